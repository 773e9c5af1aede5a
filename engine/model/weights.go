package model

import (
	"fmt"

	"hearth/engine/cpu"
	"hearth/engine/gguf"
)

// Model is a loaded architecture: its Config and its weights, all views into
// the mapped GGUF file. It is read-only and shared by every session.
type Model struct {
	Config     Config
	TokenEmbd  cpu.Matrix `gguf:"token_embd" shape:"E,V"`
	RopeFreqs  []float32  `gguf:"rope_freqs" shape:"R" when:"opt"`
	OutputNorm []float32  `gguf:"output_norm" shape:"E"`
	Output     cpu.Matrix `gguf:"output" shape:"E,V" when:"opt"` // tied to TokenEmbd when absent
	Layers     []Layer
}

// Layer is one transformer block. Dense layers bind the ffn_* fields, MoE
// layers the router, expert and shared-expert fields.
type Layer struct {
	AttnNorm []float32  `gguf:"attn_norm" shape:"E"`
	Q        cpu.Matrix `gguf:"attn_q" shape:"E,QD"`
	K        cpu.Matrix `gguf:"attn_k" shape:"E,KD"`
	V        cpu.Matrix `gguf:"attn_v" shape:"E,KD"`
	O        cpu.Matrix `gguf:"attn_output" shape:"QD,E"`
	FFNNorm  []float32  `gguf:"ffn_norm" shape:"E"`

	Gate cpu.Matrix `gguf:"ffn_gate" shape:"E,F" when:"dense"`
	Up   cpu.Matrix `gguf:"ffn_up" shape:"E,F" when:"dense"`
	Down cpu.Matrix `gguf:"ffn_down" shape:"F,E" when:"dense"`

	Router     cpu.Matrix `gguf:"ffn_gate_inp" shape:"E,X" when:"moe"`
	GateExps   Experts    `gguf:"ffn_gate_exps" shape:"E,FX,X" when:"moe"`
	UpExps     Experts    `gguf:"ffn_up_exps" shape:"E,FX,X" when:"moe"`
	DownExps   Experts    `gguf:"ffn_down_exps" shape:"FX,E,X" when:"moe"`
	GateShared cpu.Matrix `gguf:"ffn_gate_shexp" shape:"E,FX" when:"moe"`
	UpShared   cpu.Matrix `gguf:"ffn_up_shexp" shape:"E,FX" when:"moe"`
	DownShared cpu.Matrix `gguf:"ffn_down_shexp" shape:"FX,E" when:"moe"`

	MoE bool // set from the layer schedule
}

// Load reads the config and binds every weight of f, checking names, shapes
// and types.
func Load(f *gguf.File) (*Model, error) {
	cfg, err := ReadConfig(f)
	if err != nil {
		return nil, err
	}
	embd, ok := f.Tensor("token_embd.weight")
	if !ok || len(embd.Dims) != 2 {
		return nil, fmt.Errorf("model: %s: tensor token_embd.weight is missing or not 2-D", f.Path)
	}
	if cfg.Vocab == 0 {
		cfg.Vocab = int(embd.Dims[1])
	}
	dims := map[string]int{
		"E": cfg.Embd, "V": cfg.Vocab, "R": cfg.HeadDim / 2,
		"QD": cfg.QDim(), "KD": cfg.KVDim(), "F": cfg.FF, "FX": cfg.FFExpert, "X": cfg.Experts,
	}
	m := &Model{Config: cfg, Layers: make([]Layer, cfg.Layers)}
	if err := bind(f, "", m, dims, false); err != nil {
		return nil, err
	}
	if m.Output.Data == nil {
		m.Output = m.TokenEmbd
	}
	for l := range m.Layers {
		moe := cfg.IsMoE(l)
		m.Layers[l].MoE = moe
		if err := bind(f, fmt.Sprintf("blk.%d.", l), &m.Layers[l], dims, moe); err != nil {
			return nil, err
		}
	}
	return m, nil
}
