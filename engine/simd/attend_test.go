package simd

import (
	"math"
	"math/rand/v2"
	"testing"

	"hearth/engine/quant"
)

// TestAttendF16 checks every variant against softmax attention computed
// here in float64 from the f16 values, rounding the query and the
// probabilities to f16 where llama.cpp does.
func TestAttendF16(t *testing.T) {
	active := Kernel()
	defer SetVariant(active)
	r := rand.New(rand.NewPCG(3, 4))
	for _, v := range Variants() {
		if err := SetVariant(v); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ g, hd, stride, nKeys int }{
			{1, 64, 64, 1}, {4, 64, 512, 33}, {4, 128, 512, 300}, {2, 24, 40, 70}, {17, 8, 8, 5},
		} {
			q := make([]float32, c.g*c.hd)
			for i := range q {
				q[i] = float32(r.NormFloat64() * 2)
			}
			size := (c.nKeys-1)*c.stride + c.hd
			keys, vals := make([]uint16, size), make([]uint16, size)
			for i := range keys {
				keys[i] = quant.F32ToF16(float32(r.NormFloat64()))
				vals[i] = quant.F32ToF16(float32(r.NormFloat64()))
			}
			out := make([]float32, c.g*c.hd)
			scale := float32(1 / math.Sqrt(float64(c.hd)))
			scores := make([]float32, c.nKeys)
			if err := AttendF16(q, c.g, c.hd, keys, vals, c.stride, c.nKeys, scale, scores, out); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < c.g; i++ {
				want := attendRef(q[i*c.hd:(i+1)*c.hd], keys, vals, c.stride, c.nKeys, float64(scale))
				for d, w := range want {
					if e := math.Abs(float64(out[i*c.hd+d]) - w); e > 1e-4 {
						t.Fatalf("%s %+v: row %d [%d] = %g, want %g", v, c, i, d, out[i*c.hd+d], w)
					}
				}
			}
		}
	}
	if err := AttendF16(make([]float32, 64), 1, 64, make([]uint16, 64), make([]uint16, 64), 64, 2, 1, make([]float32, 2), make([]float32, 64)); err == nil {
		t.Error("two keys accepted in a cache of one")
	}
}

func attendRef(q []float32, keys, vals []uint16, stride, nKeys int, scale float64) []float64 {
	hd := len(q)
	sc := make([]float64, nKeys)
	best := math.Inf(-1)
	for j := range sc {
		for c := 0; c < hd; c++ {
			qc := float64(quant.F16ToF32(quant.F32ToF16(q[c])))
			sc[j] += qc * float64(quant.F16ToF32(keys[j*stride+c]))
		}
		sc[j] *= scale
		best = max(best, sc[j])
	}
	var sum float64
	for j := range sc {
		sc[j] = math.Exp(sc[j] - best)
		sum += sc[j]
	}
	out := make([]float64, hd)
	for j, e := range sc {
		p := float64(roundF16(float32(e / sum)))
		for c := range out {
			out[c] += p * float64(quant.F16ToF32(vals[j*stride+c]))
		}
	}
	return out
}
