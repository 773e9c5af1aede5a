package kvcache

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkTTFT reports, per context length, the time to first token with
// the prefix restored from snapshot pages and with a full prefill on the
// tiny scout model (pages of 256 tokens, f16 cache), their ratio and the
// restore throughput beside the sequential read speed. 2048, 8192 and
// 32768 are whole pages: the prompt is asked again and only its last
// position is recomputed. 8000 leaves a 64-token tail to compute, as a new
// question after a cached document does. 32k positions are beyond the
// model's trained 16k context; Bench raises it via the load options.
func BenchmarkTTFT(b *testing.B) {
	model := filepath.Join(fixtures(b), "models", "tiny-llama4-scout-f32.gguf")
	for _, n := range []int{2048, 8000, 8192, 32768} {
		b.Run(fmt.Sprintf("ctx=%d", n), func(b *testing.B) {
			var full, cached, ratio, gbps, read, seq float64
			runs := 0
			for b.Loop() {
				res, err := Bench(model, []int{n}, nil)
				if err != nil {
					b.Fatal(err)
				}
				r := res[0]
				full += r.FullTTFT.Seconds() * 1e3
				cached += r.CachedTTFT.Seconds() * 1e3
				ratio += r.Ratio
				gbps += r.RestoreGBps
				read += r.ReadGBps
				seq += r.SeqReadGBps
				runs++
			}
			k := float64(runs)
			b.ReportMetric(full/k, "full-ms")
			b.ReportMetric(cached/k, "cached-ms")
			b.ReportMetric(ratio/k, "ratio")
			b.ReportMetric(gbps/k, "restore-GB/s")
			b.ReportMetric(read/k, "dbread-GB/s")
			b.ReportMetric(seq/k, "seqread-GB/s")
		})
	}
}

// TestBenchSmall runs Bench on short contexts, checking its bookkeeping
// (the timings themselves are for the benchmark).
func TestBenchSmall(t *testing.T) {
	model := filepath.Join(fixtures(t), "models", "tiny-llama4-scout-f32.gguf")
	res, err := Bench(model, []int{300, 600}, t.Output())
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct{ restored, prefilled int }{{256, 44}, {512, 88}} {
		r := res[i]
		if r.Restored != want.restored || r.Prefilled != want.prefilled || r.RestoreBytes == 0 || r.SeqReadGBps <= 0 || r.Ratio <= 0 {
			t.Errorf("context %d: %+v", r.Context, r)
		}
	}
}
