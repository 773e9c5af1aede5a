package engine

import (
	"os"
	"path/filepath"
	"testing"

	"hearth/engine/synth"
)

// syntheticModel returns the path of a synthetic model already written by
// `hearth bench --synthetic` (HEARTH_BENCH_DIR or the user cache); the
// benchmarks skip when it is absent rather than write gigabytes.
func syntheticModel(b *testing.B, name string) string {
	dir := os.Getenv("HEARTH_BENCH_DIR")
	if dir == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			b.Skip("no cache directory:", err)
		}
		dir = filepath.Join(c, "hearth", "synthetic")
	}
	path := filepath.Join(dir, name+".gguf")
	if _, err := os.Stat(path); err != nil {
		b.Skipf("%s not written yet (run `hearth bench --synthetic %s`)", path, name)
	}
	return path
}

// BenchmarkSyntheticDecode measures one generated token of each synthetic
// model at 2 threads (for profiles; `hearth bench` reports the same).
func BenchmarkSyntheticDecode(b *testing.B) {
	for _, name := range synth.Names() {
		b.Run(name, func(b *testing.B) {
			m, err := Load(syntheticModel(b, name), LoadOptions{Threads: 2, ContextLen: 1024})
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			s, err := m.NewSession(SessionOptions{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if s.Pos() == s.ContextLen() {
					b.StopTimer()
					_ = s.Truncate(0)
					b.StartTimer()
				}
				if _, err := s.Decode(int32(i*7919) % int32(m.VocabSize())); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tok/s")
		})
	}
}

// BenchmarkSyntheticPrefill measures a 512-token prompt of each synthetic
// model at 2 threads.
func BenchmarkSyntheticPrefill(b *testing.B) {
	for _, name := range synth.Names() {
		b.Run(name, func(b *testing.B) {
			m, err := Load(syntheticModel(b, name), LoadOptions{Threads: 2, ContextLen: 1024})
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			s, err := m.NewSession(SessionOptions{})
			if err != nil {
				b.Fatal(err)
			}
			ids := make([]int32, 512)
			for i := range ids {
				ids[i] = int32(i*7919) % int32(m.VocabSize())
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := s.Truncate(0); err != nil {
					b.Fatal(err)
				}
				if err := s.Prefill(ids); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(ids)*b.N)/b.Elapsed().Seconds(), "tok/s")
		})
	}
}
