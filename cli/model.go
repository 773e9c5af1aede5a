package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"hearth/engine"
)

// runModel implements `hearth model SUBCOMMAND`. Only `info` exists so far.
func runModel(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "info" {
		fmt.Fprintln(stderr, "Usage: hearth model info [--ctx N] [--json] FILE.gguf")
		return 2
	}
	return runModelInfo(args[1:], stdout, stderr)
}

// modelInfoJSON is the stable --json form of `hearth model info`.
type modelInfoJSON struct {
	Path         string         `json:"path"`
	Name         string         `json:"name"`
	Architecture string         `json:"architecture"`
	Layers       int            `json:"layers"`
	EmbeddingLen int            `json:"embedding_length"`
	Heads        int            `json:"heads"`
	HeadsKV      int            `json:"heads_kv"`
	HeadDim      int            `json:"head_dim"`
	Experts      int            `json:"experts"`
	ExpertsUsed  int            `json:"experts_used"`
	VocabSize    int            `json:"vocab_size"`
	ContextTrain int            `json:"context_length"`
	TotalParams  int64          `json:"total_params"`
	ActiveParams int64          `json:"active_params"`
	Quantization []quantUsage   `json:"quantization"`
	Memory       memoryEstimate `json:"memory"`
	Backend      placementJSON  `json:"backend"`
}

type quantUsage struct {
	Type    string `json:"type"`
	Tensors int    `json:"tensors"`
	Params  int64  `json:"params"`
	Bytes   int64  `json:"bytes"`
}

type memoryEstimate struct {
	Context      int   `json:"context"`
	WeightBytes  int64 `json:"weight_bytes"`
	KVBytes      int64 `json:"kv_bytes"`
	ScratchBytes int64 `json:"scratch_bytes"`
	TotalBytes   int64 `json:"total_bytes"`
}

func runModelInfo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("model info", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ctx := fs.Int("ctx", 0, "context length the memory estimate is for (0: the model's trained context)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	var bf backendFlags
	bf.register(fs)
	gpuMem := fs.String("gpu-mem", "", "plan the placement for a GPU with `SIZE` free (e.g. 24GiB) instead of the one found")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hearth model info [--ctx N] [--json] [--backend auto|cpu|cuda|metal] [--gpu-mem SIZE] [--gpu-layers N] [--cpu-moe N] FILE.gguf")
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(files) != 1 || *ctx < 0 {
		fs.Usage()
		return 2
	}
	info, err := engine.Inspect(files[0], *ctx)
	if err != nil {
		fmt.Fprintf(stderr, "hearth model info: %v\n", err)
		return 1
	}
	sel, err := modelPlacement(files[0], info.ContextLen, bf, *gpuMem)
	if err != nil {
		fmt.Fprintf(stderr, "hearth model info: %v\n", err)
		return 2
	}
	if !*asJSON {
		fmt.Fprintln(stdout, info)
		writeSelection(stdout, sel)
		return 0
	}
	c := info.Config
	out := modelInfoJSON{
		Path: info.Path, Name: info.Name, Architecture: info.Arch,
		Layers: c.Layers, EmbeddingLen: c.Embd, Heads: c.Heads, HeadsKV: c.HeadsKV, HeadDim: c.HeadDim,
		Experts: c.Experts, ExpertsUsed: c.ExpertsUsed, VocabSize: c.Vocab, ContextTrain: c.ContextTrain,
		TotalParams: info.TotalParams, ActiveParams: info.ActiveParams,
		Memory: memoryEstimate{Context: info.ContextLen, WeightBytes: info.WeightBytes, KVBytes: info.KV.Total(),
			ScratchBytes: info.ScratchBytes, TotalBytes: info.TotalBytes()},
	}
	for _, t := range info.Types {
		out.Quantization = append(out.Quantization, quantUsage(t))
	}
	out.Backend = newPlacementJSON(sel)
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(stderr, "hearth model info: %v\n", err)
		return 1
	}
	return 0
}
