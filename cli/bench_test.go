package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"hearth/engine"
)

func TestBenchRejectsBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--model", "a.gguf", "--synthetic", "llama3-1b-q4_0"},
		{"--model", "a.gguf", "-p", "0"},
		{"--model", "a.gguf", "-r", "0"},
		{"--model", "a.gguf", "extra"},
	} {
		var out, errOut bytes.Buffer
		if code := runBench(args, &out, &errOut); code != 2 {
			t.Errorf("hearth bench %q: exit %d, want 2", args, code)
		}
	}
	var out, errOut bytes.Buffer
	if code := runBench([]string{"--synthetic", "no-such-model", "-r", "1"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "no-such-model") {
		t.Errorf("unknown synthetic model: exit %d, stderr %q", code, errOut.String())
	}
}

// TestBenchJSON benchmarks the tiny fixture models and checks the report:
// the stable field names, consistent rates, and the weight bytes per token
// against the active parameter count of engine.Inspect (every 2-D weight
// of these models but the F32 router is Q8_0: 34 bytes per 32 weights).
func TestBenchJSON(t *testing.T) {
	dir := sharedFixtures(t)
	for _, c := range []struct {
		model   string
		f32Elem int64 // active F32 matmul weights (the MoE router)
	}{
		{"tiny-llama3-q8_0.gguf", 0},
		{"tiny-llama4-scout-q8_0.gguf", 4 * 64 * 4},
	} {
		t.Run(c.model, func(t *testing.T) {
			path := filepath.Join(dir, "models", c.model)
			var out, errOut bytes.Buffer
			args := []string{"--model", path, "-p", "16", "-n", "4", "-r", "3", "-t", "2", "--bandwidth-mib", "8", "--json"}
			if code := runBench(args, &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			var fields map[string]any
			if err := json.Unmarshal(out.Bytes(), &fields); err != nil {
				t.Fatalf("%v in %s", err, out.String())
			}
			for _, k := range []string{"model", "threads", "pp_tokens_per_s", "tg_tokens_per_s", "weight_bytes_per_token", "memory_bandwidth_gbs", "bandwidth_fraction"} {
				if _, ok := fields[k]; !ok {
					t.Errorf("JSON lacks %q", k)
				}
			}
			var r benchResult
			if err := json.Unmarshal(out.Bytes(), &r); err != nil {
				t.Fatal(err)
			}
			if r.Model != c.model || r.Threads != 2 || r.Reps != 3 || r.PromptTokens != 16 || r.GenTokens != 4 {
				t.Errorf("report %+v does not echo the run", r)
			}
			for _, s := range []spread{r.PP, r.TG} {
				if !(s.Min > 0 && s.Min <= s.Median && s.Median <= s.Max) {
					t.Errorf("spread %+v", s)
				}
			}
			if r.PPTokensPerS != r.PP.Median || r.TGTokensPerS != r.TG.Median || r.MemoryBandwidthGBs <= 0 || r.PeakRSSBytes <= 0 {
				t.Errorf("rates %+v", r)
			}
			info, err := engine.Inspect(path, 64)
			if err != nil {
				t.Fatal(err)
			}
			row := int64(info.Config.Embd / 32 * 34) // one Q8_0 embedding row
			want := (info.ActiveParams-c.f32Elem)/32*34 + 4*c.f32Elem + row
			if r.WeightBytesPerToken != want {
				t.Errorf("weight bytes per token %d, want %d", r.WeightBytesPerToken, want)
			}
			if d := r.AchievedGBs - float64(want)*r.TGTokensPerS/1e9; d > 1e-9 || d < -1e-9 || r.BandwidthFraction != r.AchievedGBs/r.MemoryBandwidthGBs {
				t.Errorf("achieved %g GB/s, fraction %g of %g", r.AchievedGBs, r.BandwidthFraction, r.MemoryBandwidthGBs)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want spread
	}{
		{[]float64{3}, spread{3, 3, 3}},
		{[]float64{5, 1, 3}, spread{3, 1, 5}},
		{[]float64{4, 1, 2, 10}, spread{3, 1, 10}},
	} {
		if got := summarize(c.in); got != c.want {
			t.Errorf("summarize(%v) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b bytes.Buffer
	ref := llamaCpp["llama3-1b-q4_0"]
	writeMarkdown(&b, []benchResult{{
		Model: "llama3-1b-q4_0", Threads: 2, Kernel: "avx512", PPTokensPerS: 158, TGTokensPerS: 29,
		PP: spread{158, 150, 160}, TG: spread{29, 28, 30}, WeightBytesPerToken: 700 << 20,
		AchievedGBs: 21.3, MemoryBandwidthGBs: 30, BandwidthFraction: 0.71, LlamaCpp: &ref,
	}})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), b.String())
	}
	for _, want := range []string{"| llama3-1b-q4_0 | 2 | avx512 | 29.00 (28.00–30.00) | 14.5 | 2.00× |", "| 71% |", "| 79 | 2.00× |"} {
		if !strings.Contains(lines[2], want) {
			t.Errorf("row %q lacks %q", lines[2], want)
		}
	}
}
