package simd

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"hearth/engine/quant"
)

// kernelTypes are the weight types with C kernels (all that package quant
// can multiply), in priority order.
var kernelTypes = []quant.Type{quant.Q4_K, quant.Q6_K, quant.Q8_0, quant.Q4_0, quant.F16, quant.BF16, quant.F32,
	quant.Q5_K, quant.Q5_0, quant.Q4_1, quant.Q5_1, quant.Q2_K, quant.Q3_K, quant.IQ4_NL, quant.IQ4_XS}

// scaleFields lists, per quantized type, the offsets of the f16 scales in
// a block; random bytes there would give Inf/NaN, so tests write sane ones.
var scaleFields = map[quant.Type][]int{
	quant.Q4_0: {0}, quant.Q4_1: {0, 2}, quant.Q5_0: {0}, quant.Q5_1: {0, 2}, quant.Q8_0: {0},
	quant.Q2_K: {80, 82}, quant.Q3_K: {108}, quant.Q4_K: {0, 2}, quant.Q5_K: {0, 2}, quant.Q6_K: {208},
	quant.IQ4_NL: {0}, quant.IQ4_XS: {0},
}

// splitFields lists the f16 offsets of the two terms of x = d·q ± m (the
// scale and the min or offset): their rounding errors add up separately.
var splitFields = map[quant.Type][2]int{
	quant.Q4_1: {0, 2}, quant.Q5_1: {0, 2}, quant.Q2_K: {80, 82}, quant.Q4_K: {0, 2}, quant.Q5_K: {0, 2},
}

// randomWeights returns rows rows of n elements of type t, each padded to
// rowBytes: even rows are random bytes (every bit pattern of codes and
// packed scales) with sane f16 scales, odd rows are quantized from random
// floats where package quant can quantize the type.
func randomWeights(t *testing.T, rng *rand.Rand, typ quant.Type, n, rows, rowBytes int) []byte {
	t.Helper()
	l, _ := quant.LayoutOf(typ)
	w := make([]byte, rows*rowBytes)
	src := make([]float32, n)
	for r := 0; r < rows; r++ {
		row := w[r*rowBytes : r*rowBytes+n/l.BlockElems*l.BlockBytes]
		for i := range src {
			src[i] = float32(rng.NormFloat64())
		}
		fields, quantized := scaleFields[typ]
		if !quantized || r%2 == 1 {
			err := quant.QuantizeWeights(typ, src, row)
			if err == nil {
				continue
			}
			if !quantized {
				t.Fatalf("quantize weights %s: %v", typ, err)
			}
		}
		for i := range row {
			row[i] = byte(rng.Uint32())
		}
		for b := 0; b < len(row); b += l.BlockBytes {
			for _, off := range fields {
				binary.LittleEndian.PutUint16(row[b+off:], quant.F32ToF16(float32(rng.NormFloat64()*0.01)))
			}
		}
	}
	return w
}

// randomActivation returns n quantized activations for weights of type t.
func randomActivation(t *testing.T, rng *rand.Rand, typ quant.Type, n int) []byte {
	t.Helper()
	vt := quant.VecDotType(typ)
	src := make([]float32, n)
	for i := range src {
		src[i] = float32(rng.NormFloat64())
		if rng.IntN(64) == 0 {
			src[i] *= 20 // outliers, as real activations have
		}
	}
	ab, _ := quant.RowBytes(vt, n)
	dst := make([]byte, ab)
	if err := quant.Quantize(vt, src, dst); err != nil {
		t.Fatalf("quantize activations %s: %v", vt, err)
	}
	return dst
}

// magnitude returns S = Σ_i |w_i|·|a_i| over the dequantized row, with the
// two terms of w = d·q ± m counted separately (see splitFields): the float
// rounding of any summation order is bounded by a multiple of S.
func magnitude(t *testing.T, typ quant.Type, n int, w, act []byte) float64 {
	t.Helper()
	vt := quant.VecDotType(typ)
	y := make([]float32, n)
	if err := quant.Dequantize(vt, act, y); err != nil {
		t.Fatalf("dequantize %s: %v", vt, err)
	}
	parts := [][]byte{w}
	if f, ok := splitFields[typ]; ok {
		l, _ := quant.LayoutOf(typ)
		dOnly := append([]byte(nil), w...)
		mOnly := append([]byte(nil), w...)
		for b := 0; b < len(w); b += l.BlockBytes {
			dOnly[b+f[1]], dOnly[b+f[1]+1] = 0, 0
			mOnly[b+f[0]], mOnly[b+f[0]+1] = 0, 0
		}
		parts = [][]byte{dOnly, mOnly}
	}
	x := make([]float32, n)
	var s float64
	for _, p := range parts {
		if err := quant.Dequantize(typ, p, x); err != nil {
			t.Fatalf("dequantize %s: %v", typ, err)
		}
		for i := range x {
			s += math.Abs(float64(x[i]) * float64(y[i]))
		}
	}
	return s
}

// roundingTerms is k in the bound |kernel − reference| ≤ k·2⁻²⁴·S. The
// reference adds its nb block terms one after another (error ≤ nb·u·S);
// a kernel adds them in 8 or 16 lanes and reduces the lanes (≤ (nb/8+4)·u·S),
// and rounds each block's scale product differently (≤ 2u·|term|). Float
// rows are summed in float64 by the reference, so only the kernel's lanes
// count there.
func roundingTerms(typ quant.Type, n int) float64 {
	l, _ := quant.LayoutOf(typ)
	nb := float64(n / l.BlockElems)
	if l.BlockElems == 1 {
		return nb/16 + 8
	}
	return nb + nb/8 + 8
}
