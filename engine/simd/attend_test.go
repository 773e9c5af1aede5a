package simd

import (
	"math"
	"math/rand/v2"
	"testing"

	"hearth/engine/quant"
)

// TestAttend checks every variant, for both cache types, against causal
// softmax attention computed here in float64 from the stored values (the
// query rounded to f16 for an f16 cache, as llama.cpp does), and checks that
// a row's result does not depend on the rows computed with it: token t of a
// block gives bit for bit what it gives alone, the way decode computes it.
func TestAttend(t *testing.T) {
	active := Kernel()
	defer SetVariant(active)
	r := rand.New(rand.NewPCG(3, 4))
	cases := []struct{ nq, g, hd, qstride, stride, n0 int }{
		{1, 1, 64, 64, 64, 1},
		{1, 4, 64, 512, 512, 33},
		{5, 4, 128, 1024, 512, 300},
		{16, 4, 64, 256, 128, 1},
		{40, 2, 24, 64, 40, 70},
		{3, 17, 8, 136, 8, 5},
		{70, 1, 32, 32, 32, 130},
	}
	for _, v := range Variants() {
		if err := SetVariant(v); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			for _, f16 := range []bool{true, false} {
				q := make([]float32, (c.nq-1)*c.qstride+c.g*c.hd)
				for i := range q {
					q[i] = float32(r.NormFloat64() * 2)
				}
				nKeys := c.n0 + c.nq - 1
				size := (nKeys-1)*c.stride + c.hd
				k32, v32 := make([]float32, size), make([]float32, size)
				k16, v16 := make([]uint16, size), make([]uint16, size)
				for i := range k32 {
					k16[i] = quant.F32ToF16(float32(r.NormFloat64()))
					v16[i] = quant.F32ToF16(float32(r.NormFloat64()))
					k32[i], v32[i] = quant.F16ToF32(k16[i]), quant.F16ToF32(v16[i])
				}
				scale := float32(1 / math.Sqrt(float64(c.hd)))
				run := func(q []float32, nq, n0 int, out []float32) {
					t.Helper()
					scratch := make([]float32, AttendScratch(nq*c.g, c.hd))
					var err error
					if f16 {
						err = AttendF16(q, nq, c.g, c.hd, c.qstride, k16, v16, c.stride, n0, scale, scratch, out)
					} else {
						err = AttendF32(q, nq, c.g, c.hd, c.qstride, k32, v32, c.stride, n0, scale, scratch, out)
					}
					if err != nil {
						t.Fatal(err)
					}
				}
				out := make([]float32, len(q))
				run(q, c.nq, c.n0, out)
				for tk := 0; tk < c.nq; tk++ {
					alone := make([]float32, c.g*c.hd)
					run(q[tk*c.qstride:], 1, c.n0+tk, alone)
					for i := 0; i < c.g; i++ {
						row := q[tk*c.qstride+i*c.hd : tk*c.qstride+(i+1)*c.hd]
						want := attendRef(row, k32, v32, c.stride, c.n0+tk, float64(scale), f16)
						for d, w := range want {
							got := out[tk*c.qstride+i*c.hd+d]
							if e := math.Abs(float64(got) - w); e > 2e-5 {
								t.Fatalf("%s f16=%v %+v: token %d row %d [%d] = %g, want %g", v, f16, c, tk, i, d, got, w)
							}
							if a := alone[i*c.hd+d]; a != got {
								t.Fatalf("%s f16=%v %+v: token %d row %d [%d] = %g in the block, %g alone", v, f16, c, tk, i, d, got, a)
							}
						}
					}
				}
			}
		}
	}
	scratch := make([]float32, AttendScratch(1, 64))
	if err := AttendF16(make([]float32, 64), 1, 1, 64, 64, make([]uint16, 64), make([]uint16, 64), 64, 2, 1, scratch, make([]float32, 64)); err == nil {
		t.Error("two keys accepted in a cache of one")
	}
	if err := AttendF32(make([]float32, 128), 2, 1, 64, 64, make([]float32, 128), make([]float32, 128), 64, 1, 1, scratch, make([]float32, 128)); err == nil {
		t.Error("scratch for one row accepted for two")
	}
}

func attendRef(q []float32, keys, vals []float32, stride, nKeys int, scale float64, f16 bool) []float64 {
	hd := len(q)
	sc := make([]float64, nKeys)
	best := math.Inf(-1)
	for j := range sc {
		for c := 0; c < hd; c++ {
			qc := q[c]
			if f16 {
				qc = roundF16(qc)
			}
			sc[j] += float64(qc) * float64(keys[j*stride+c])
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
		for c := range out {
			out[c] += e / sum * float64(vals[j*stride+c])
		}
	}
	return out
}

// BenchmarkAttend measures one work item of a long prefill: 16 tokens × 4
// query heads over the 4096 keys before them (head size 64), per cache type
// and variant.
func BenchmarkAttend(b *testing.B) {
	active := Kernel()
	defer SetVariant(active)
	const nq, g, hd, n0 = 16, 4, 64, 4096
	r := rand.New(rand.NewPCG(5, 6))
	q := make([]float32, nq*g*hd)
	for i := range q {
		q[i] = float32(r.NormFloat64())
	}
	size := (n0 + nq) * hd
	k32, v32 := make([]float32, size), make([]float32, size)
	k16, v16 := make([]uint16, size), make([]uint16, size)
	for i := range k32 {
		k32[i], v32[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
		k16[i], v16[i] = quant.F32ToF16(k32[i]), quant.F32ToF16(v32[i])
	}
	out := make([]float32, len(q))
	scratch := make([]float32, AttendScratch(nq*g, hd))
	for _, v := range Variants() {
		if err := SetVariant(v); err != nil {
			b.Fatal(err)
		}
		b.Run("f16/"+v, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = AttendF16(q, nq, g, hd, g*hd, k16, v16, hd, n0, 0.125, scratch, out)
			}
			b.ReportMetric(float64(b.N*nq*g*n0)/b.Elapsed().Seconds(), "rowkeys/s")
		})
		b.Run("f32/"+v, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = AttendF32(q, nq, g, hd, g*hd, k32, v32, hd, n0, 0.125, scratch, out)
			}
			b.ReportMetric(float64(b.N*nq*g*n0)/b.Elapsed().Seconds(), "rowkeys/s")
		})
	}
}
