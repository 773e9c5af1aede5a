package cli

import (
	"fmt"
	"io"
	"strings"

	"hearth/engine"
)

// benchResult is what `hearth bench` reports; the JSON names are stable.
type benchResult struct {
	Model        string  `json:"model"`
	Path         string  `json:"path"`
	Kernel       string  `json:"kernel"`
	Threads      int     `json:"threads"`
	PromptTokens int     `json:"pp_tokens"`
	GenTokens    int     `json:"tg_tokens"`
	Reps         int     `json:"reps"`
	PPTokensPerS float64 `json:"pp_tokens_per_s"`
	TGTokensPerS float64 `json:"tg_tokens_per_s"`
	PP           spread  `json:"pp"`
	TG           spread  `json:"tg"`
	// PPCPUTokensPerS and TGCPUTokensPerS count CPU time per thread
	// instead of wall time: the rates with the cores to ourselves.
	PPCPUTokensPerS     float64         `json:"pp_cpu_tokens_per_s"`
	TGCPUTokensPerS     float64         `json:"tg_cpu_tokens_per_s"`
	LoadSeconds         float64         `json:"load_seconds"`
	PeakRSSBytes        int64           `json:"peak_rss_bytes"`
	WeightBytesPerToken int64           `json:"weight_bytes_per_token"`
	AchievedGBs         float64         `json:"achieved_gbs"`
	MemoryBandwidthGBs  float64         `json:"memory_bandwidth_gbs"`
	BandwidthFraction   float64         `json:"bandwidth_fraction"`
	LlamaCpp            *llamaCppFigure `json:"llama_cpp,omitempty"`
	Backend             backendReport   `json:"backend"`
}

// llamaCppFigure is llama-bench's result for a synthetic model's shape and
// quantization on the reference machine class (2 threads).
type llamaCppFigure struct {
	TG float64 `json:"tg_tokens_per_s"`
	PP float64 `json:"pp512_tokens_per_s"`
}

// llamaCpp holds the reference figures of issue #5: llama.cpp's llama-bench
// tg128 and pp512 at 2 threads on this machine class, per synthetic model.
var llamaCpp = map[string]llamaCppFigure{
	"llama3-1b-q4_k_m":   {TG: 14.4, PP: 68},
	"llama3-1b-q4_0":     {TG: 14.5, PP: 79},
	"llama3-1b-q8_0":     {TG: 9.2, PP: 40},
	"llama4-mini-q4_k_m": {TG: 16.8, PP: 83},
	"llama4-mini-q8_0":   {TG: 9.7, PP: 58},
}

func llamaCppReference(name string) (llamaCppFigure, bool) {
	f, ok := llamaCpp[name]
	return f, ok
}

// weightBytesPerToken is the tensor data a generated token reads: every
// matmul weight, the top-k share of each stacked expert tensor, one row of
// the embedding table, or all of it when it doubles as the output head.
// Norm vectors are not counted.
func weightBytesPerToken(m *engine.Model) (int64, error) {
	c := m.Config()
	f := m.File()
	_, ownHead := f.Tensor("output.weight")
	var total int64
	for _, t := range f.Tensors() {
		size := int64(len(t.Data))
		switch {
		case len(t.Dims) < 2:
		case strings.Contains(t.Name, "_exps."):
			if c.Experts <= 0 {
				return 0, fmt.Errorf("bench: expert tensor %q in a model without experts", t.Name)
			}
			total += size / int64(c.Experts) * int64(c.ExpertsUsed)
		case t.Name == "token_embd.weight" && ownHead:
			total += size / t.Dims[1]
		default:
			total += size
		}
	}
	return total, nil
}

func (r benchResult) writeText(w io.Writer) {
	fmt.Fprintf(w, "model      %s (%s kernels, %d threads)\n", r.Model, r.Kernel, r.Threads)
	fmt.Fprintf(w, "backend    %s\n", r.Backend.Line)
	if r.Backend.Placement != "" {
		fmt.Fprintln(w, r.Backend.Placement)
	}
	fmt.Fprintf(w, "load       %.2f s, peak RSS %.0f MiB\n", r.LoadSeconds, float64(r.PeakRSSBytes)/(1<<20))
	fmt.Fprintf(w, "pp%-7d  %.2f tok/s (min %.2f, max %.2f over %d)\n", r.PromptTokens, r.PP.Median, r.PP.Min, r.PP.Max, r.Reps)
	fmt.Fprintf(w, "tg%-7d  %.2f tok/s (min %.2f, max %.2f over %d)\n", r.GenTokens, r.TG.Median, r.TG.Min, r.TG.Max, r.Reps)
	fmt.Fprintf(w, "CPU time   pp %.2f, tg %.2f tok/s per CPU-second per thread (the rates on otherwise idle cores)\n", r.PPCPUTokensPerS, r.TGCPUTokensPerS)
	fmt.Fprintf(w, "weights    %.1f MiB read per generated token: %.1f GB/s, %.0f%% of the %.1f GB/s measured\n",
		float64(r.WeightBytesPerToken)/(1<<20), r.AchievedGBs, 100*r.BandwidthFraction, r.MemoryBandwidthGBs)
	if r.LlamaCpp != nil {
		fmt.Fprintf(w, "llama.cpp  tg %.1f tok/s, pp512 %.0f tok/s (reference machine, 2 threads): Hearth is %.2f× and %.2f×\n",
			r.LlamaCpp.TG, r.LlamaCpp.PP, r.TGTokensPerS/r.LlamaCpp.TG, r.PPTokensPerS/r.LlamaCpp.PP)
	}
}

// writeMarkdown writes results as one table beside llama.cpp's figures.
func writeMarkdown(w io.Writer, results []benchResult) {
	fmt.Fprintln(w, "| model | threads | kernel | tg tok/s (min–max) | llama.cpp tg | tg ÷ llama.cpp | weights/token | GB/s | of bandwidth | pp tok/s (min–max) | llama.cpp pp512 | pp ÷ llama.cpp | load s | peak RSS | tg, pp per CPU-s·thread |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		refTG, refPP, ratioTG, ratioPP := "–", "–", "–", "–"
		if r.LlamaCpp != nil {
			refTG, refPP = fmt.Sprintf("%.1f", r.LlamaCpp.TG), fmt.Sprintf("%.0f", r.LlamaCpp.PP)
			ratioTG = fmt.Sprintf("%.2f×", r.TGTokensPerS/r.LlamaCpp.TG)
			ratioPP = fmt.Sprintf("%.2f×", r.PPTokensPerS/r.LlamaCpp.PP)
		}
		fmt.Fprintf(w, "| %s | %d | %s | %.2f (%.2f–%.2f) | %s | %s | %.0f MiB | %.1f of %.1f | %.0f%% | %.1f (%.1f–%.1f) | %s | %s | %.1f | %.0f MiB | %.1f, %.1f |\n",
			r.Model, r.Threads, r.Kernel, r.TG.Median, r.TG.Min, r.TG.Max, refTG, ratioTG,
			float64(r.WeightBytesPerToken)/(1<<20), r.AchievedGBs, r.MemoryBandwidthGBs, 100*r.BandwidthFraction,
			r.PP.Median, r.PP.Min, r.PP.Max, refPP, ratioPP, r.LoadSeconds, float64(r.PeakRSSBytes)/(1<<20), r.TGCPUTokensPerS, r.PPCPUTokensPerS)
	}
}
