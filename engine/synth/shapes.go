package synth

import (
	"fmt"
	"sort"

	"hearth/engine/quant"
)

// Shape is the architecture of a synthetic model.
type Shape struct {
	Arch       string // "llama" or "llama4"
	Embd       int
	Layers     int
	Heads      int
	HeadsKV    int
	HeadDim    int
	FF         int // dense FFN width (llama) or unused (llama4 with every layer MoE)
	Experts    int // llama4: routed experts
	ExpertsUse int
	ExpertFF   int
	MoEStep    int // llama4: a layer is MoE when (l+1) % MoEStep == 0
	Vocab      int
	Tied       bool // no output.weight: the head reuses token_embd
	CtxTrain   int
	// RopeScaling holds the Llama 3 rope_freqs parameters (factor, low,
	// high, original context); zero factor means no rope_freqs tensor.
	RopeFactor, RopeLow, RopeHigh float64
	RopeOrig                      int
}

// Mix says which tensor type each weight gets: a llama-quantize file type.
type Mix string

// The mixes synthetic models can use.
const (
	MixQ4KM Mix = "q4_k_m"
	MixQ4_0 Mix = "q4_0"
	MixQ8_0 Mix = "q8_0"
)

// Model is a named synthetic model: a shape and a quantization mix.
type Model struct {
	Name  string
	Shape Shape
	Mix   Mix
}

var llama3_1B = Shape{
	Arch: "llama", Embd: 2048, Layers: 16, Heads: 32, HeadsKV: 8, HeadDim: 64, FF: 8192,
	Vocab: 128256, Tied: true, CtxTrain: 131072,
	RopeFactor: 32, RopeLow: 1, RopeHigh: 4, RopeOrig: 8192,
}

var llama4Mini = Shape{
	Arch: "llama4", Embd: 2048, Layers: 16, Heads: 16, HeadsKV: 4, HeadDim: 128, FF: 8192,
	Experts: 16, ExpertsUse: 1, ExpertFF: 2048, MoEStep: 1, Vocab: 202048, CtxTrain: 10485760,
	RopeFactor: 16, RopeLow: 1, RopeHigh: 1, RopeOrig: 8192,
}

// Models lists the synthetic models by name.
var models = map[string]Model{
	"llama3-1b-q4_k_m":   {"llama3-1b-q4_k_m", llama3_1B, MixQ4KM},
	"llama3-1b-q4_0":     {"llama3-1b-q4_0", llama3_1B, MixQ4_0},
	"llama3-1b-q8_0":     {"llama3-1b-q8_0", llama3_1B, MixQ8_0},
	"llama4-mini-q4_k_m": {"llama4-mini-q4_k_m", llama4Mini, MixQ4KM},
	"llama4-mini-q8_0":   {"llama4-mini-q8_0", llama4Mini, MixQ8_0},
}

// Lookup returns the synthetic model called name.
func Lookup(name string) (Model, error) {
	m, ok := models[name]
	if !ok {
		return Model{}, fmt.Errorf("synth: no synthetic model %q (have %v)", name, Names())
	}
	return m, nil
}

// Names returns the names of all synthetic models, sorted.
func Names() []string {
	names := make([]string, 0, len(models))
	for n := range models {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// fileType is general.file_type (llama_ftype) for a mix.
func (m Mix) fileType() uint32 {
	switch m {
	case MixQ4_0:
		return 2
	case MixQ8_0:
		return 7
	}
	return 15 // MOSTLY_Q4_K_M
}

// moreBits reports llama-quantize's "use more bits" layers of Q4_K_M: the
// first and last eighth of the layers and every third one in between.
func moreBits(layer, n int) bool {
	return layer < n/8 || layer >= 7*n/8 || (layer-n/8)%3 == 2
}

// tensorType returns the type llama-quantize would give a 2-D+ weight.
// kind is the tensor's name without "blk.N." and ".weight".
func (m Mix) tensorType(kind string, layer, layers int, tied bool) quant.Type {
	switch m {
	case MixQ8_0:
		return quant.Q8_0
	case MixQ4_0:
		if kind == "output" || (kind == "token_embd" && tied) {
			return quant.Q6_K
		}
		return quant.Q4_0
	}
	switch {
	case kind == "output":
		return quant.Q6_K
	case kind == "token_embd":
		if tied {
			return quant.Q6_K
		}
		return quant.Q4_K
	case (kind == "attn_v" || kind == "ffn_down" || kind == "ffn_down_exps" || kind == "ffn_down_shexp") && moreBits(layer, layers):
		return quant.Q6_K
	}
	return quant.Q4_K
}
