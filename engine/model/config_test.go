package model

import (
	"math"
	"testing"
)

// TestLayerSchedule checks the spec's schedule for Scout and Maverick (48
// layers): RoPE and chunked attention on l mod 4 < 3, NoPE and global
// attention on l mod 4 = 3; MoE on every layer (Scout) or odd layers
// (Maverick); and Llama 3: RoPE everywhere, nothing chunked.
func TestLayerSchedule(t *testing.T) {
	scout := Config{Arch: "llama4", Layers: 48, Experts: 16, MoEStep: 1, Chunk: 8192, ChunkPeriod: 4, NoRopeInterval: 4}
	maverick := scout
	maverick.Experts, maverick.MoEStep = 128, 2
	llama3 := Config{Arch: "llama", Layers: 32}
	var ropes, chunked, moeS, moeM int
	for l := 0; l < 48; l++ {
		wantRoPE := l%4 < 3
		if scout.UsesRoPE(l) != wantRoPE || scout.Chunked(l) != wantRoPE {
			t.Errorf("scout layer %d: rope %v chunked %v, want %v", l, scout.UsesRoPE(l), scout.Chunked(l), wantRoPE)
		}
		if scout.UsesRoPE(l) {
			ropes++
		}
		if scout.Chunked(l) {
			chunked++
		}
		if scout.IsMoE(l) {
			moeS++
		}
		if maverick.IsMoE(l) != (l%2 == 1) {
			t.Errorf("maverick layer %d: MoE %v", l, maverick.IsMoE(l))
		}
		if maverick.IsMoE(l) {
			moeM++
		}
	}
	if ropes != 36 || chunked != 36 || moeS != 48 || moeM != 24 {
		t.Errorf("counts: rope %d chunked %d scout MoE %d maverick MoE %d", ropes, chunked, moeS, moeM)
	}
	for l := 0; l < 32; l++ {
		if !llama3.UsesRoPE(l) || llama3.Chunked(l) || llama3.IsMoE(l) {
			t.Errorf("llama3 layer %d: rope %v chunked %v moe %v", l, llama3.UsesRoPE(l), llama3.Chunked(l), llama3.IsMoE(l))
		}
	}
}

// TestAttnTemperature checks s(p) = 1 + 0.1·ln(1 + ⌊(p+1)/8192⌋) at the
// boundaries the spec lists.
func TestAttnTemperature(t *testing.T) {
	c := Config{TempFloor: 8192, TempScale: 0.1, TempOffset: 1}
	for _, tc := range []struct {
		p    int
		want float64
	}{
		{0, 1}, {8190, 1}, {8191, 1 + 0.1*math.Log(2)}, {16382, 1 + 0.1*math.Log(2)}, {16383, 1 + 0.1*math.Log(3)},
	} {
		if got := c.attnTemperature(tc.p); math.Abs(float64(got)-tc.want) > 1e-7 {
			t.Errorf("s(%d) = %v, want %v", tc.p, got, tc.want)
		}
	}
}

// TestRopeAngles checks the ggml-order angles against θ_i = p·base^(−2i/D)/f_i
// (they agree to f32 rounding at small positions).
func TestRopeAngles(t *testing.T) {
	m := &Model{Config: Config{HeadDim: 16, RopeBase: 500000}, RopeFreqs: []float32{1, 1, 1, 1, 2, 4, 8, 16}}
	cos, sin := make([]float32, 8), make([]float32, 8)
	m.ropeTables(cos, sin, 37, 1)
	for i := 0; i < 8; i++ {
		a := 37 * math.Pow(500000, -2*float64(i)/16) / float64(m.RopeFreqs[i])
		if math.Abs(float64(cos[i])-math.Cos(a)) > 1e-5 || math.Abs(float64(sin[i])-math.Sin(a)) > 1e-5 {
			t.Errorf("pair %d: (%v, %v), want (%v, %v)", i, cos[i], sin[i], math.Cos(a), math.Sin(a))
		}
	}
}
