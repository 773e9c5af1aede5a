package model

import "math"

// ropeTables fills cos/sin for the n positions pos…pos+n−1, HeadDim/2 pairs
// each. The angle of pair i is built the way ggml builds it, in float32 by
// repeated multiplication (θ₀ = p, θᵢ₊₁ = θᵢ·base^(−2/D)) and divided by
// rope_freqs[i]; at positions past 8k that order matters at the 1e-4 level.
func (m *Model) ropeTables(cos, sin []float32, pos, n int) {
	c := &m.Config
	half := c.HeadDim / 2
	step := float32(math.Pow(float64(c.RopeBase), -2/float64(c.HeadDim)))
	for t := 0; t < n; t++ {
		theta := float32(pos + t)
		for i := 0; i < half; i++ {
			a := theta
			if m.RopeFreqs != nil {
				a = theta / m.RopeFreqs[i]
			}
			cos[t*half+i] = float32(math.Cos(float64(a)))
			sin[t*half+i] = float32(math.Sin(float64(a)))
			theta *= step
		}
	}
}

// rope rotates each head of row (heads × D values) over consecutive pairs
// (2i, 2i+1) — ggml's "normal" mode, which GGUF files of both architectures
// are laid out for.
func rope(row, cos, sin []float32, headDim int) {
	half := headDim / 2
	for h := 0; h+headDim <= len(row); h += headDim {
		z := row[h : h+headDim]
		for i := 0; i < half; i++ {
			u, w := z[2*i], z[2*i+1]
			z[2*i] = u*cos[i] - w*sin[i]
			z[2*i+1] = u*sin[i] + w*cos[i]
		}
	}
}

// attnTemperature is Llama 4's query scale on NoPE layers,
// 1 + scale·ln(1 + ⌊(p + offset)/floor⌋), computed in float64 as llama.cpp
// does.
func (c Config) attnTemperature(p int) float32 {
	f := math.Floor((float64(p) + float64(c.TempOffset)) / float64(c.TempFloor))
	return float32(math.Log(f+1)*float64(c.TempScale) + 1)
}
