// Package model holds the transformer architectures Hearth runs on the CPU:
// Llama 3.x ("llama": dense, GQA, RoPE with rope_freqs) and Llama 4
// ("llama4": MoE with a shared expert, interleaved dense layers, NoPE global
// layers with attention temperature tuning, chunked attention and QK norm on
// RoPE layers). Both share one forward pass; the Config says which parts
// apply. Weights are bound by GGUF name from struct tags (see bind.go) and
// read in place from the mapped file.
package model

import (
	"fmt"

	"hearth/engine/gguf"
)

// Config is everything the forward pass needs to know about an architecture,
// read from GGUF metadata with llama.cpp's defaults for missing keys.
type Config struct {
	Arch         string // "llama" or "llama4"
	Layers       int
	Embd         int // d
	Heads        int
	HeadsKV      int
	HeadDim      int
	FF           int // dense FFN width (0 if no dense layer)
	FFExpert     int // routed and shared expert width
	Vocab        int
	Experts      int
	ExpertsUsed  int
	MoEStep      int // layer l is MoE when (l+1) % MoEStep == 0
	Eps          float32
	RopeBase     float32
	ContextTrain int

	// Llama 4 constants llama.cpp hard-codes; here they are read from the
	// optional llama4.* keys so that tests (and --override-kv) can change them.
	Chunk          int     // chunked-attention chunk size; 0: no chunked layers
	ChunkPeriod    int     // layer l is chunked when l % ChunkPeriod < ChunkPeriod−1 (0: every layer)
	NoRopeInterval int     // layer l is NoPE when (l+1) % NoRopeInterval == 0
	TempFloor      int     // attention temperature floor scale
	TempScale      float32 // attention temperature scale
	TempOffset     float32 // attention temperature position offset
	QKNorm         bool    // RMS-normalise q and k per head on RoPE layers
}

// The optional GGUF keys for the Llama 4 constants, with llama.cpp's values
// as defaults.
const (
	KeyChunkSize      = "llama4.attention.chunk_size"
	KeyNoRopeInterval = "llama4.no_rope_layer_interval"
	KeyTempFloor      = "llama4.attention.temperature_tuning.floor_scale"
	KeyTempScale      = "llama4.attention.temperature_tuning.scale"
	KeyTempOffset     = "llama4.attention.temperature_tuning.offset"
)

// IsLlama4 reports whether the Llama 4 parts (MoE, NoPE, chunking) apply.
func (c Config) IsLlama4() bool { return c.Arch == "llama4" }

// UsesRoPE reports whether layer l rotates q and k (every layer but Llama 4's
// NoPE layers).
func (c Config) UsesRoPE(l int) bool {
	return !c.IsLlama4() || c.NoRopeInterval <= 0 || (l+1)%c.NoRopeInterval != 0
}

// HasChunks reports whether any layer uses chunked attention, so that
// batches and caches must respect chunk boundaries.
func (c Config) HasChunks() bool { return c.IsLlama4() && c.Chunk > 0 }

// Chunked reports whether layer l uses chunked attention (Llama 4: the
// layers with l mod 4 < 3, which are also the RoPE layers).
func (c Config) Chunked(l int) bool {
	if !c.HasChunks() {
		return false
	}
	return c.ChunkPeriod == 0 || l%c.ChunkPeriod < c.ChunkPeriod-1
}

// IsMoE reports whether layer l has a routed-expert FFN.
func (c Config) IsMoE(l int) bool {
	return c.IsLlama4() && c.Experts > 0 && c.MoEStep > 0 && (l+1)%c.MoEStep == 0
}

// QDim and KVDim are the widths of q and of k (= v).
func (c Config) QDim() int { return c.Heads * c.HeadDim }

// KVDim returns the width of one position's key (and value) row.
func (c Config) KVDim() int { return c.HeadsKV * c.HeadDim }

// ChunkedLayers lists, per layer, whether it is chunked (for kv.Config).
func (c Config) ChunkedLayers() []bool {
	out := make([]bool, c.Layers)
	for l := range out {
		out[l] = c.Chunked(l)
	}
	return out
}

// ReadConfig reads the hyperparameters of f and checks them.
func ReadConfig(f *gguf.File) (Config, error) {
	arch := f.Arch()
	if arch != "llama" && arch != "llama4" {
		return Config{}, fmt.Errorf("model: architecture %q is not supported (want llama or llama4)", arch)
	}
	r := keyReader{f: f, prefix: arch + "."}
	c := Config{Arch: arch}
	c.Layers = r.int("block_count", -1)
	c.Embd = r.int("embedding_length", -1)
	c.Heads = r.int("attention.head_count", -1)
	c.HeadsKV = r.int("attention.head_count_kv", c.Heads)
	c.ContextTrain = r.int("context_length", -1)
	c.Eps = r.float("attention.layer_norm_rms_epsilon", -1)
	c.RopeBase = r.float("rope.freq_base", 10000)
	c.FF = r.int("feed_forward_length", 0)
	if c.Heads > 0 {
		c.HeadDim = r.int("attention.key_length", c.Embd/c.Heads)
	}
	vlen := r.int("attention.value_length", c.HeadDim)
	ropeDim := r.int("rope.dimension_count", c.HeadDim)
	c.Vocab = r.int("vocab_size", 0)
	if c.IsLlama4() {
		c.FFExpert = r.int("expert_feed_forward_length", -1)
		c.Experts = r.int("expert_count", -1)
		c.ExpertsUsed = r.int("expert_used_count", 1)
		c.MoEStep = r.int("interleave_moe_layer_step", -1)
		c.Chunk = r.int("attention.chunk_size", 8192)
		c.ChunkPeriod = r.int("attention.sliding_window_pattern", 4)
		c.NoRopeInterval = r.int("no_rope_layer_interval", 4)
		c.TempFloor = r.int("attention.temperature_tuning.floor_scale", 8192)
		c.TempScale = r.float("attention.temperature_tuning.scale", 0.1)
		c.TempOffset = r.float("attention.temperature_tuning.offset", 1)
		c.QKNorm = c.Experts != 128
		if w, ok := f.Int(r.prefix + "attention.sliding_window"); ok && w == 0 {
			// llama.cpp's MobileLLM path: no chunking, no temperature, and
			// n_no_rope_layer_step = n_layer (only the last layer is NoPE).
			c.Chunk, c.TempScale, c.NoRopeInterval = 0, 0, c.Layers
		}
	}
	if r.err != nil {
		return Config{}, r.err
	}
	switch {
	case c.Layers <= 0 || c.Embd <= 0 || c.Heads <= 0 || c.HeadsKV <= 0 || c.HeadDim <= 0:
		return Config{}, fmt.Errorf("model: %s: bad shape: %d layers, d=%d, %d heads, %d kv heads, head dim %d", f.Path, c.Layers, c.Embd, c.Heads, c.HeadsKV, c.HeadDim)
	case c.Heads%c.HeadsKV != 0:
		return Config{}, fmt.Errorf("model: %s: head_count %d is not a multiple of head_count_kv %d", f.Path, c.Heads, c.HeadsKV)
	case vlen != c.HeadDim || ropeDim != c.HeadDim || c.HeadDim%2 != 0:
		return Config{}, fmt.Errorf("model: %s: key_length %d, value_length %d and rope.dimension_count %d must be equal and even", f.Path, c.HeadDim, vlen, ropeDim)
	case c.IsLlama4() && (c.Experts <= 0 || c.ExpertsUsed <= 0 || c.ExpertsUsed > c.Experts || c.MoEStep <= 0 || c.FFExpert <= 0):
		return Config{}, fmt.Errorf("model: %s: bad MoE settings: %d experts, %d used, interleave step %d, expert width %d", f.Path, c.Experts, c.ExpertsUsed, c.MoEStep, c.FFExpert)
	case c.IsLlama4() && (c.Chunk < 0 || c.ChunkPeriod < 0 || c.NoRopeInterval <= 0 || c.TempFloor <= 0):
		return Config{}, fmt.Errorf("model: %s: chunk size %d, chunk period %d, NoPE interval %d and temperature floor %d must be positive", f.Path, c.Chunk, c.ChunkPeriod, c.NoRopeInterval, c.TempFloor)
	}
	return c, nil
}

// keyReader reads prefixed keys, remembering the first missing required key.
type keyReader struct {
	f      *gguf.File
	prefix string
	err    error
}

// int reads an integer key; def < 0 marks the key as required.
func (r *keyReader) int(key string, def int) int {
	if v, ok := r.f.Int(r.prefix + key); ok {
		return int(v)
	}
	if def < 0 && r.err == nil {
		r.err = fmt.Errorf("model: %s: required key %s%s is missing", r.f.Path, r.prefix, key)
	}
	return def
}

func (r *keyReader) float(key string, def float32) float32 {
	if v, ok := r.f.Float(r.prefix + key); ok {
		return float32(v)
	}
	if def < 0 && r.err == nil {
		r.err = fmt.Errorf("model: %s: required key %s%s is missing", r.f.Path, r.prefix, key)
	}
	return def
}
