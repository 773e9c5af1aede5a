package engine

import (
	"fmt"
	"testing"

	"hearth/engine/kv"
)

// BenchmarkPrefillLong measures a long prompt's prefill on the tiny Scout
// model, where attention (not the tiny matmuls) dominates: 4096 tokens stay
// inside the first 8192-position chunk, 8192 fill it.
func BenchmarkPrefillLong(b *testing.B) {
	m := loadFixture(b, "tiny-llama4-scout-f32.gguf", LoadOptions{Threads: 2})
	for _, n := range []int{4096, 8192} {
		for _, kt := range []kv.Type{kv.F16, kv.F32} {
			b.Run(fmt.Sprintf("%d/%s", n, kt), func(b *testing.B) {
				ids := make([]int32, n)
				for i := range ids {
					ids[i] = int32(i*7919) % int32(m.VocabSize())
				}
				s, err := m.NewSession(SessionOptions{ContextLen: n, KVType: kt})
				if err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := s.Truncate(0); err != nil {
						b.Fatal(err)
					}
					if _, err := s.PrefillLogits(ids, false); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "tok/s")
			})
		}
	}
}
