package quant

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

// TestQ8_0Rounding pins the two Q8_0 rounding rules on exact ties: with
// amax = 127 the scale is exactly 1, so x is already in code units.
func TestQ8_0Rounding(t *testing.T) {
	x := make([]float32, 32)
	x[0] = 127
	ties := []float32{2.5, 3.5, -2.5, -3.5, 0.5, -0.5, 1.5, 126.5}
	copy(x[1:], ties)
	tests := []struct {
		name     string
		quantize func([]float32, []byte)
		want     []int8
	}{
		// llama.cpp's x86 activation path: half to even.
		{"activation", quantizeQ8_0, []int8{2, 4, -2, -4, 0, 0, 2, 126}},
		// ggml's reference (llama-quantize): half away from zero.
		{"reference", quantizeQ8_0Ref, []int8{3, 4, -3, -4, 1, -1, 2, 127}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := make([]byte, q8_0Bytes)
			tt.quantize(x, b)
			if d := f16At(b); d != 1 {
				t.Fatalf("d = %v, want 1", d)
			}
			if q := int8(b[2]); q != 127 {
				t.Errorf("amax → %d, want 127", q)
			}
			for i, w := range tt.want {
				if q := int8(b[3+i]); q != w {
					t.Errorf("%v → %d, want %d", ties[i], q, w)
				}
			}
		})
	}
}

// TestQ8_1Sum checks Q8_1's s = f16(d·Σq) against the quants it stores.
func TestQ8_1Sum(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	x := randomActivations(rng, 32*64)
	b := make([]byte, 64*q8_1Bytes)
	if err := Quantize(Q8_1, x, b); err != nil {
		t.Fatal(err)
	}
	for blk := 0; blk < 64; blk++ {
		y := b[blk*q8_1Bytes:]
		d := blockAbsMax(x[blk*32:blk*32+32]) / 127
		var sum int32
		for j := 0; j < 32; j++ {
			sum += int32(int8(y[4+j]))
		}
		if got, want := binary.LittleEndian.Uint16(y[2:]), F32ToF16(d*float32(sum)); got != want {
			t.Fatalf("block %d: s = %#04x, want f16(d·Σq) = %#04x", blk, got, want)
		}
		if got, want := binary.LittleEndian.Uint16(y[0:]), F32ToF16(d); got != want {
			t.Fatalf("block %d: d = %#04x, want %#04x", blk, got, want)
		}
	}
}

// TestQ8_K checks the Q8_K rules: the signed largest value maps to −127,
// ties round to even, d = 1/iscale in f32, bsums are the 16-group sums, and
// an all-zero block is all zero bytes.
func TestQ8_K(t *testing.T) {
	x := make([]float32, 2*qkK)
	x[3] = 127 // iscale = −1: every value maps to its negation
	x[4], x[5], x[6], x[7] = 2.5, -3.5, 0.5, -127
	b := make([]byte, 2*q8_KBytes)
	for i := range b {
		b[i] = 0xAA
	}
	if err := Quantize(Q8_K, x, b); err != nil {
		t.Fatal(err)
	}
	blk := (*[q8_KBytes]byte)(b)
	if d := q8KScale(blk); d != -1 {
		t.Errorf("d = %v, want −1", d)
	}
	want := map[int]int8{3: -127, 4: -2, 5: 4, 6: 0, 7: 127}
	for i := 0; i < qkK; i++ {
		if q := int8(blk[4+i]); q != want[i] {
			t.Errorf("q[%d] = %d, want %d", i, q, want[i])
		}
	}
	if s := q8KBsum(blk, 0); s != 2 {
		t.Errorf("bsums[0] = %d, want 2", s)
	}
	for i, v := range b[q8_KBytes:] {
		if v != 0 {
			t.Fatalf("zero block: byte %d = %#x", i, v)
		}
	}
}

// TestQuantizeRoundTrip quantizes seeded random data with every quantizer
// and checks each element's error against the bound the format implies.
func TestQuantizeRoundTrip(t *testing.T) {
	const n = 64 * qkK
	rng := rand.New(rand.NewPCG(9, 9))
	x := randomActivations(rng, n)
	// bound returns the worst error allowed for element i of x.
	// Q4_0/Q5_0: d = −max/half; codes are rounded half up except that
	// +half clamps to half−1, so the error is at most one step, plus
	// half·|d16 − d|.
	symBound := func(x []float32, half float64) []float64 {
		e := make([]float64, len(x))
		for b := 0; b < len(x); b += 32 {
			d := float64(blockAbsMax(x[b:b+32])) / half
			d16 := math.Abs(float64(F16ToF32(F32ToF16(float32(d)))))
			for i := b; i < b+32; i++ {
				e[i] = d*(1+1e-5) + half*math.Abs(d16-d)
			}
		}
		return e
	}
	q4Bound := func(x []float32) []float64 { return symBound(x, 8) }
	q5Bound := func(x []float32) []float64 { return symBound(x, 16) }
	// Q4_1/Q5_1: [min, max] in steps of d, codes rounded half up: half a
	// step, plus the f16 rounding of d (times the code) and of min.
	affineBound := func(x []float32, steps float64) []float64 {
		e := make([]float64, len(x))
		for b := 0; b < len(x); b += 32 {
			lo, hi := blockMinMax(x[b : b+32])
			d := float64(hi-lo) / steps
			d16 := float64(F16ToF32(F32ToF16(float32(d))))
			m16 := float64(F16ToF32(F32ToF16(lo)))
			for i := b; i < b+32; i++ {
				e[i] = d*(0.5+1e-5) + steps*math.Abs(d16-d) + math.Abs(m16-float64(lo))
			}
		}
		return e
	}
	tests := []struct {
		typ      Type
		quantize func([]float32, []byte)
		bound    func([]float32) []float64
	}{
		{Q8_0, quantizeQ8_0, func(x []float32) []float64 { return actRoundingBound(Q8_0, x) }},
		{Q8_0, quantizeQ8_0Ref, func(x []float32) []float64 { return actRoundingBound(Q8_0, x) }},
		{Q8_1, quantizeQ8_1, func(x []float32) []float64 { return actRoundingBound(Q8_1, x) }},
		{Q8_K, quantizeQ8_K, func(x []float32) []float64 { return actRoundingBound(Q8_K, x) }},
		{F16, quantizeF16, func(x []float32) []float64 { return actRoundingBound(F16, x) }},
		{BF16, quantizeBF16, func(x []float32) []float64 { return actRoundingBound(BF16, x) }},
		{Q4_0, quantizeQ4_0, q4Bound},
		{Q5_0, quantizeQ5_0, q5Bound},
		{Q4_1, quantizeQ4_1, func(x []float32) []float64 { return affineBound(x, 15) }},
		{Q5_1, quantizeQ5_1, func(x []float32) []float64 { return affineBound(x, 31) }},
	}
	for _, tt := range tests {
		t.Run(tt.typ.String(), func(t *testing.T) {
			l := layouts[tt.typ]
			b := make([]byte, n/l.BlockElems*l.BlockBytes)
			tt.quantize(x, b)
			y := make([]float32, n)
			traitsTable[tt.typ].Dequantize(b, y)
			e := tt.bound(x)
			var worst float64
			for i := range x {
				err := math.Abs(float64(y[i]) - float64(x[i]))
				if err > e[i] {
					t.Fatalf("element %d: %v → %v, error %g > bound %g", i, x[i], y[i], err, e[i])
				}
				worst = max(worst, err/e[i])
			}
			t.Logf("%s: max error %.3f of the bound", tt.typ, worst)
		})
	}
}

// rmse returns the root-mean-square difference of x and y.
func rmse(x, y []float32) float64 {
	var s float64
	for i := range x {
		d := float64(x[i]) - float64(y[i])
		s += d * d
	}
	return math.Sqrt(s / float64(len(x)))
}

// idealError is the RMSE of quantizing x in sub-blocks of size sub with
// nlevels evenly spaced levels spanning each sub-block's range [min(x,0),
// max(x)] (symmetric: [−amax, amax]), with the scales kept exactly: the
// plain min-max quantizer a search should beat, before the cost of storing
// the scales in 6 or 8 bits.
func idealError(x []float32, sub int, nlevels int, symmetric bool) float64 {
	y := make([]float32, len(x))
	for b := 0; b < len(x); b += sub {
		lo, hi := float32(0), x[b]
		for _, v := range x[b : b+sub] {
			lo, hi = min(lo, v), max(hi, v)
		}
		if symmetric {
			a := blockAbsMax(x[b : b+sub])
			lo, hi = -a, a
		}
		step := (hi - lo) / float32(nlevels-1)
		for i := b; i < b+sub; i++ {
			if step == 0 {
				y[i] = lo
				continue
			}
			y[i] = lo + step*float32(math.Round(float64((x[i]-lo)/step)))
		}
	}
	return rmse(x, y)
}

// TestKQuantizers checks the Q4_K, Q5_K and Q6_K weight quantizers on Gaussian
// and heavy-tailed data: the round trip must be at least as good as
// min-max quantization with unquantized scales (Q4_K: 16 levels per 32;
// Q5_K: 32 per 32; Q6_K: 64 levels per 16), and stay under an absolute RMSE bound.
func TestKQuantizers(t *testing.T) {
	const n = 64 * qkK
	rng := rand.New(rand.NewPCG(11, 11))
	gauss := make([]float32, n)
	for i := range gauss {
		gauss[i] = float32(rng.NormFloat64())
	}
	heavy := randomActivations(rng, n)
	tests := []struct {
		name      string
		typ       Type
		x         []float32
		sub, levs int
		symmetric bool
		maxRMSE   float64
	}{
		{"Q4_K gaussian", Q4_K, gauss, 32, 16, false, 0.085},
		{"Q4_K heavy-tailed", Q4_K, heavy, 32, 16, false, 0.15},
		{"Q5_K gaussian", Q5_K, gauss, 32, 32, false, 0.04},
		{"Q5_K heavy-tailed", Q5_K, heavy, 32, 32, false, 0.07},
		{"Q6_K gaussian", Q6_K, gauss, 16, 64, true, 0.02},
		{"Q6_K heavy-tailed", Q6_K, heavy, 16, 64, true, 0.04},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := layouts[tt.typ]
			b := make([]byte, n/qkK*l.BlockBytes)
			if err := Quantize(tt.typ, tt.x, b); err != nil {
				t.Fatal(err)
			}
			y := make([]float32, n)
			if err := Dequantize(tt.typ, b, y); err != nil {
				t.Fatal(err)
			}
			got, ideal := rmse(tt.x, y), idealError(tt.x, tt.sub, tt.levs, tt.symmetric)
			t.Logf("%s: RMSE %.4f, min-max with exact scales %.4f", tt.name, got, ideal)
			if got > ideal {
				t.Errorf("RMSE %.4f is worse than min-max quantization (%.4f)", got, ideal)
			}
			if got > tt.maxRMSE {
				t.Errorf("RMSE %.4f > %.4f", got, tt.maxRMSE)
			}
		})
	}
}

// TestKQuantizersEdgeCases checks blocks that break naive scale searches.
func TestKQuantizersEdgeCases(t *testing.T) {
	constant := make([]float32, qkK)
	for i := range constant {
		constant[i] = 0.75
	}
	oneHot := make([]float32, qkK)
	oneHot[100] = -3
	positive := make([]float32, qkK)
	for i := range positive {
		positive[i] = 1 + float32(i)/qkK
	}
	// Values in [1, 2) cannot use Q4_K's min (it only subtracts), so its
	// 16 levels span [0, 2): half a step is 1/15. Q6_K's 64 levels per 16
	// elements give 1/64, plus the 8-bit sub-scale's relative error.
	tests := []struct {
		name string
		typ  Type
		x    []float32
		tol  float64
	}{
		{"zeros", Q4_K, make([]float32, qkK), 0},
		{"zeros", Q6_K, make([]float32, qkK), 0},
		{"constant", Q4_K, constant, 0.01},
		{"constant", Q6_K, constant, 0.01},
		{"one hot", Q4_K, oneHot, 0.01},
		{"one hot", Q6_K, oneHot, 0.01},
		{"all positive", Q4_K, positive, 1.0 / 15},
		{"all positive", Q6_K, positive, 1.0/64 + 2.0/128},
	}
	for _, tt := range tests {
		t.Run(tt.typ.String()+" "+tt.name, func(t *testing.T) {
			b := make([]byte, layouts[tt.typ].BlockBytes)
			if err := Quantize(tt.typ, tt.x, b); err != nil {
				t.Fatal(err)
			}
			y := make([]float32, qkK)
			if err := Dequantize(tt.typ, b, y); err != nil {
				t.Fatal(err)
			}
			for i := range y {
				if d := math.Abs(float64(y[i] - tt.x[i])); d > tt.tol || math.IsNaN(float64(y[i])) {
					t.Fatalf("element %d: %v → %v", i, tt.x[i], y[i])
				}
			}
		})
	}
}

// TestQuantizeErrors checks that unsupported types and bad sizes are
// reported.
func TestQuantizeErrors(t *testing.T) {
	tests := []struct {
		name string
		typ  Type
		n    int
		b    int
	}{
		{"no quantizer", IQ4_XS, 256, 136},
		{"unsupported type", IQ2_XS, 256, 74},
		{"partial block", Q8_0, 16, 17},
		{"wrong size", Q8_K, 256, 291},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Quantize(tt.typ, make([]float32, tt.n), make([]byte, tt.b)); err == nil {
				t.Errorf("Quantize(%s) succeeded", tt.typ)
			}
		})
	}
}
