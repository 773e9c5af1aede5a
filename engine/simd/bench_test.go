package simd

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"hearth/engine/quant"
)

// benchWeights returns copies of one random n-wide matrix of rows rows
// laid end to end until they exceed 96 MiB, so that a benchmark cycling
// through them reads its weights from DRAM, not from the 32 MiB L3.
func benchWeights(b *testing.B, typ quant.Type, n, rows int) (w []byte, rb, copies int) {
	b.Helper()
	rb, _ = quant.RowBytes(typ, n)
	one := randomWeights(&testing.T{}, rand.New(rand.NewPCG(1, 2)), typ, n, min(rows, 64), rb)
	copies = max(1, (96<<20)/(rows*rb)+1)
	w = make([]byte, copies*rows*rb)
	for off := 0; off < len(w); off += len(one) {
		copy(w[off:], one)
	}
	return w, rb, copies
}

// BenchmarkMatVec measures single-thread decode: one 4096×4096 matrix
// times one activation vector; MB/s is weight bytes streamed.
func BenchmarkMatVec(b *testing.B) {
	saved := Kernel()
	defer SetVariant(saved)
	const n, rows = 4096, 4096
	for _, typ := range kernelTypes {
		w, rb, copies := benchWeights(b, typ, n, rows)
		act := randomActivation(&testing.T{}, rand.New(rand.NewPCG(3, 4)), typ, n)
		out := make([]float32, rows)
		for _, v := range Variants() {
			b.Run(fmt.Sprintf("%s/%s", typ, v), func(b *testing.B) {
				if err := SetVariant(v); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(rows * rb))
				i := 0
				for b.Loop() {
					m := w[(i%copies)*rows*rb:]
					if err := MatVec(typ, n, m, rb, rows, act, out); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// BenchmarkMatVecThreads measures decode on 1 and 2 goroutines splitting
// the rows of a 4096×4096 matrix, as engine/cpu's pool does, and reports
// the weight stream in GB/s next to MeasureBandwidth's figure for as many
// threads (frac-of-bw).
func BenchmarkMatVecThreads(b *testing.B) {
	const n, rows = 4096, 4096
	for _, typ := range []quant.Type{quant.Q4_K, quant.Q6_K, quant.Q8_0, quant.Q4_0} {
		w, rb, copies := benchWeights(b, typ, n, rows)
		act := randomActivation(&testing.T{}, rand.New(rand.NewPCG(3, 4)), typ, n)
		out := make([]float32, rows)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", typ, threads), func(b *testing.B) {
				bw := MeasureBandwidth(0, threads)
				per := rows / threads
				i := 0
				for b.Loop() {
					m := w[(i%copies)*rows*rb:]
					var wg sync.WaitGroup
					for t := range threads {
						wg.Add(1)
						go func() {
							defer wg.Done()
							lo := t * per
							if err := MatVec(typ, n, m[lo*rb:], rb, per, act, out[lo:]); err != nil {
								b.Error(err)
							}
						}()
					}
					wg.Wait()
					i++
				}
				gbs := float64(rows*rb) * float64(b.N) / b.Elapsed().Seconds() / 1e9
				b.ReportMetric(gbs, "GB/s")
				b.ReportMetric(gbs/bw, "frac-of-bw")
			})
		}
	}
}

// BenchmarkMatMul measures single-thread prefill on the Llama 3.2 1B
// attention shape (2048×2048): tok/s and GOP/s (2·n·rows per token).
func BenchmarkMatMul(b *testing.B) {
	saved := Kernel()
	defer SetVariant(saved)
	const n, rows = 2048, 2048
	for _, typ := range []quant.Type{quant.Q4_K, quant.Q6_K, quant.Q5_K, quant.Q8_0, quant.Q4_0, quant.F16, quant.BF16} {
		w, rb, _ := benchWeights(b, typ, n, rows)
		ab, _ := quant.RowBytes(quant.VecDotType(typ), n)
		rng := rand.New(rand.NewPCG(5, 6))
		for _, nTok := range []int{32, 128, 512} {
			acts := make([]byte, nTok*ab)
			for tok := range nTok {
				copy(acts[tok*ab:], randomActivation(&testing.T{}, rng, typ, n))
			}
			out := make([]float32, nTok*rows)
			for _, v := range Variants() {
				if v == "generic" && nTok > 32 {
					continue // minutes per op; 32 tokens show its speed
				}
				b.Run(fmt.Sprintf("%s/tokens=%d/%s", typ, nTok, v), func(b *testing.B) {
					if err := SetVariant(v); err != nil {
						b.Fatal(err)
					}
					for b.Loop() {
						if err := MatMul(typ, n, w, rb, rows, acts, ab, nTok, out, rows); err != nil {
							b.Fatal(err)
						}
					}
					sec := b.Elapsed().Seconds() / float64(b.N)
					b.ReportMetric(float64(nTok)/sec, "tok/s")
					b.ReportMetric(2*float64(n)*rows*float64(nTok)/sec/1e9, "GOP/s")
				})
			}
		}
	}
}

// BenchmarkQuantizeActivation measures converting one 4096-wide row.
func BenchmarkQuantizeActivation(b *testing.B) {
	saved := Kernel()
	defer SetVariant(saved)
	src := activationRows(4096)["random"]
	for _, typ := range []quant.Type{quant.Q8_0, quant.Q8_K} {
		size, _ := quant.RowBytes(typ, len(src))
		dst := make([]byte, size)
		for _, v := range Variants() {
			b.Run(fmt.Sprintf("%s/%s", typ, v), func(b *testing.B) {
				if err := SetVariant(v); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(4 * len(src)))
				for b.Loop() {
					if err := QuantizeActivation(typ, src, dst); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkBandwidth reports MeasureBandwidth over its default buffer.
func BenchmarkBandwidth(b *testing.B) {
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			var gbs float64
			for b.Loop() {
				gbs = MeasureBandwidth(0, threads)
			}
			b.ReportMetric(gbs, "GB/s")
		})
	}
}
