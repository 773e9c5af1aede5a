package vision

import (
	"fmt"

	"hearth/engine/gguf"
)

// Hparams are the encoder's hyperparameters, read from clip.vision.* keys.
type Hparams struct {
	ImageSize   int // tile side in pixels (336)
	PatchSize   int // patch side in pixels (14)
	Embd        int // encoder width
	FFN         int // encoder feed-forward width
	Layers      int
	Heads       int
	Eps         float32 // LayerNorm epsilon
	ScaleFactor int     // pixel-shuffle factor (2: 2×2 patches per token)
	Mean, Std   [3]float32
}

// ropeTheta is the vision RoPE base; llama.cpp fixes it in code for llama4.
const ropeTheta = 10000

// Side is the number of patches along a tile side.
func (h Hparams) Side() int { return h.ImageSize / h.PatchSize }

// HeadDim is the width of one attention head.
func (h Hparams) HeadDim() int { return h.Embd / h.Heads }

// TokensPerTile is the number of embeddings one tile yields after the
// pixel shuffle (144 for Llama 4).
func (h Hparams) TokensPerTile() int {
	m := h.Side() / h.ScaleFactor
	return m * m
}

// readHparams reads and checks the clip metadata of a llama4 mmproj.
func readHparams(f *gguf.File) (Hparams, error) {
	var h Hparams
	if arch := f.Arch(); arch != "clip" {
		return h, fmt.Errorf("general.architecture is %q, want \"clip\" (an mmproj file)", arch)
	}
	if pt, _ := f.String("clip.projector_type"); pt != "llama4" {
		return h, fmt.Errorf("clip.projector_type is %q, want \"llama4\"", pt)
	}
	if has, ok := f.Bool("clip.has_vision_encoder"); !ok || !has {
		return h, fmt.Errorf("clip.has_vision_encoder is missing or false")
	}
	if silu, _ := f.Bool("clip.use_silu"); silu {
		return h, fmt.Errorf("clip.use_silu is set; the llama4 encoder uses GELU")
	}
	if gelu, ok := f.Bool("clip.use_gelu"); ok && !gelu {
		return h, fmt.Errorf("clip.use_gelu is false; the llama4 encoder uses GELU")
	}
	ints := []struct {
		key      string
		dst      *int
		min, max uint64
	}{
		{"clip.vision.image_size", &h.ImageSize, 1, 4096},
		{"clip.vision.patch_size", &h.PatchSize, 1, 4096},
		{"clip.vision.embedding_length", &h.Embd, 1, 1 << 16},
		{"clip.vision.feed_forward_length", &h.FFN, 1, 1 << 18},
		{"clip.vision.block_count", &h.Layers, 1, 1024},
		{"clip.vision.attention.head_count", &h.Heads, 1, 1024},
		{"clip.vision.projector.scale_factor", &h.ScaleFactor, 1, 64},
	}
	for _, k := range ints {
		v, ok := f.Uint(k.key)
		if !ok {
			return h, fmt.Errorf("missing or non-integer key %s", k.key)
		}
		if v < k.min || v > k.max {
			return h, fmt.Errorf("%s = %d is outside [%d, %d]", k.key, v, k.min, k.max)
		}
		*k.dst = int(v)
	}
	eps, ok := f.Float("clip.vision.attention.layer_norm_epsilon")
	if !ok || !(eps > 0 && eps < 1) {
		return h, fmt.Errorf("clip.vision.attention.layer_norm_epsilon is missing or not in (0, 1)")
	}
	h.Eps = float32(eps)
	for _, k := range []struct {
		key string
		dst *[3]float32
	}{{"clip.vision.image_mean", &h.Mean}, {"clip.vision.image_std", &h.Std}} {
		v, ok := f.Floats(k.key)
		if !ok || len(v) != 3 {
			return h, fmt.Errorf("%s must be an array of 3 floats", k.key)
		}
		for i := range v {
			k.dst[i] = float32(v[i])
		}
	}
	for c, s := range h.Std {
		if !(s > 0) {
			return h, fmt.Errorf("clip.vision.image_std[%d] = %g, want > 0", c, s)
		}
	}
	switch {
	case h.ImageSize%h.PatchSize != 0:
		return h, fmt.Errorf("image size %d is not a multiple of patch size %d", h.ImageSize, h.PatchSize)
	case h.Side()%h.ScaleFactor != 0:
		return h, fmt.Errorf("%d patches per side do not divide by scale factor %d", h.Side(), h.ScaleFactor)
	case h.Embd%h.Heads != 0 || h.HeadDim()%4 != 0:
		// 2-D RoPE rotates two halves of each head in consecutive pairs.
		return h, fmt.Errorf("embedding length %d over %d heads must give a head size divisible by 4", h.Embd, h.Heads)
	}
	return h, nil
}
