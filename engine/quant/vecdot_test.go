package quant

import (
	"math"
	"math/rand/v2"
	"testing"
)

// actRoundingBound returns, per element, the most the activation quantizer
// can move each value of x (spec §2.3): Q8_0/Q8_1 round x·127/amax to an
// integer (≤ ½ step) and store the step d as f16, so |q·d16 − x| ≤
// d·(½+ε) + 127·|d16 − d|; Q8_K stores d in f32 (≤ |d|·(½+ε)); F16 and BF16
// round each value to 11 and 8 significant bits.
func actRoundingBound(t Type, x []float32) []float64 {
	e := make([]float64, len(x))
	switch t {
	case Q8_0, Q8_1:
		for b := 0; b < len(x); b += 32 {
			d := float64(blockAbsMax(x[b:b+32])) / 127
			d16 := float64(F16ToF32(F32ToF16(float32(d))))
			for i := b; i < b+32; i++ {
				e[i] = d*(0.5+1e-5) + 127*math.Abs(d16-d)
			}
		}
	case Q8_K:
		for b := 0; b < len(x); b += qkK {
			d := float64(blockAbsMax(x[b:b+qkK])) / 127
			for i := b; i < b+qkK; i++ {
				e[i] = d * (0.5 + 1e-5)
			}
		}
	case F16:
		for i, v := range x {
			e[i] = max(math.Abs(float64(v))*0x1p-11, 0x1p-25)
		}
	case BF16:
		for i, v := range x {
			e[i] = math.Abs(float64(v)) * 0x1p-8
		}
	}
	return e
}

// q8_1OffsetSlack bounds, for Q4_1/Q5_1, how far m·s (the kernel's offset
// term) is from m·Σâ: s = f16(d·Σq) is rounded once to f16, and d differs
// from the stored d16 by at most half an f16 ulp.
func q8_1OffsetSlack(w, act []byte, wBytes int, mOff int) float64 {
	var slack float64
	for b := 0; b < len(act)/q8_1Bytes; b++ {
		y := act[b*q8_1Bytes:]
		m := math.Abs(float64(f16At(w[b*wBytes+mOff:])))
		d16 := math.Abs(float64(f16At(y[0:])))
		s := math.Abs(float64(f16At(y[2:])))
		var sq int32
		for j := 0; j < 32; j++ {
			sq += int32(int8(y[4+j]))
		}
		slack += m * (s*0x1p-10 + math.Abs(float64(sq))*d16*0x1p-10)
	}
	return slack
}

// TestVecDot checks every weight type's dot product in two ways, on seeded
// random rows:
//   - against Σ w·â in float64 (â = the dequantized activation blocks):
//     the integer block sums must make this exact up to float32 rounding
//     of the block terms;
//   - against Σ w·a with the original activations: the difference must be
//     within Σ|w|·e, where e is the activation rounding bound above.
func TestVecDot(t *testing.T) {
	const n, rows = 2048, 24
	for _, typ := range weightTypes {
		t.Run(typ.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(typ)))
			at := VecDotType(typ)
			wf := make([]float32, n)
			af := make([]float32, n)
			act := make([]byte, n/layouts[at].BlockElems*layouts[at].BlockBytes)
			var worstAbs, worstRatio, worstSigma, worstExact float64
			for r := 0; r < rows; r++ {
				w := randomWeights(rng, typ, n)
				a := randomActivations(rng, n)
				if err := Dequantize(typ, w, wf); err != nil {
					t.Fatal(err)
				}
				if err := Quantize(at, a, act); err != nil {
					t.Fatal(err)
				}
				if err := Dequantize(at, act, af); err != nil {
					t.Fatal(err)
				}
				got := float64(VecDot(typ, n, w, act))
				var withQ, withA, mag float64
				e := actRoundingBound(at, a)
				var bound, variance float64
				for i := range wf {
					variance += math.Pow(float64(wf[i])*e[i], 2) / 3
					withQ += float64(wf[i]) * float64(af[i])
					withA += float64(wf[i]) * float64(a[i])
					mag += math.Abs(float64(wf[i]) * float64(af[i]))
					bound += math.Abs(float64(wf[i])) * e[i]
				}
				// float32 rounding of the per-block terms and of the running
				// sum: a few ulps per block of the magnitude involved.
				slack := float64(n/layouts[typ].BlockElems+16) * 0x1p-22 * mag
				switch typ {
				case Q4_1:
					slack += q8_1OffsetSlack(w, act, q4_1Bytes, 2)
				case Q5_1:
					slack += q8_1OffsetSlack(w, act, q5_1Bytes, 2)
				}
				if d := math.Abs(got - withQ); d > slack {
					t.Errorf("row %d: VecDot %v, Σ w·â %v: off by %g > float slack %g", r, got, withQ, d, slack)
				}
				if d := math.Abs(got - withA); d > bound+slack {
					t.Errorf("row %d: VecDot %v, Σ w·a %v: off by %g > bound %g", r, got, withA, d, bound+slack)
				}
				// The rounding errors are independent and at most e each, so
				// their sum is within a few standard deviations in practice.
				if d, sigma := math.Abs(got-withA), math.Sqrt(variance); d > 6*sigma+slack {
					t.Errorf("row %d: VecDot − Σ w·a = %g is over 6σ (σ = %g)", r, d, sigma)
				} else if sigma > 0 {
					worstSigma = max(worstSigma, d/sigma)
				}
				worstAbs = max(worstAbs, math.Abs(got-withA))
				if bound+slack > 0 {
					worstRatio = max(worstRatio, math.Abs(got-withA)/(bound+slack))
				}
				if mag > 0 {
					worstExact = max(worstExact, math.Abs(got-withQ)/mag)
				}
			}
			t.Logf("%s·%s: max |VecDot − Σw·a| = %.3g (%.3f of the bound, %.2fσ); max |VecDot − Σw·â|/Σ|w·â| = %.3g",
				typ, at, worstAbs, worstRatio, worstSigma, worstExact)
		})
	}
}

// TestVecDotBadInput checks that mismatched sizes give NaN, not a panic.
func TestVecDotBadInput(t *testing.T) {
	tests := []struct {
		name string
		typ  Type
		n    int
		w    int
		act  int
	}{
		{"partial block", Q4_K, 128, 144, 292},
		{"short weights", Q8_0, 64, 34, 68},
		{"short activations", Q6_K, 256, 210, 200},
		{"unsupported", IQ2_XXS, 256, 66, 292},
		{"negative n", F32, -4, 16, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VecDot(tt.typ, tt.n, make([]byte, tt.w), make([]byte, tt.act)); !math.IsNaN(float64(got)) {
				t.Errorf("VecDot = %v, want NaN", got)
			}
		})
	}
}

// TestHotPathsDoNotAllocate guards the engine's zero-allocation decode.
func TestHotPathsDoNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	const n = 512
	x := randomActivations(rng, n)
	out := make([]float32, n)
	for _, typ := range weightTypes {
		at := VecDotType(typ)
		w := randomWeights(rng, typ, n)
		act := make([]byte, n/layouts[at].BlockElems*layouts[at].BlockBytes)
		allocs := testing.AllocsPerRun(20, func() {
			_ = Quantize(at, x, act)
			_ = VecDot(typ, n, w, act)
			_ = Dequantize(typ, w, out)
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per quantize+dot+dequantize", typ, allocs)
		}
	}
}
