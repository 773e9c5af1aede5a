package backend

import "hearth/engine/cpu"

// Kernels are the operations of one forward pass, on host slices: a GPU
// backend copies its inputs in and its outputs back, which makes every
// kernel comparable with the CPU's (see CPUKernels) on the same data. Each
// method computes what the engine's CPU code computes, to within the
// rounding of a different summation order.
type Kernels interface {
	// MatMul computes y[t·w.Rows + r] = Σ_c w[r][c]·x[t·w.Cols + c] for the
	// n rows of x, with f32 activations (w in any supported format).
	MatMul(w cpu.Matrix, x []float32, n int, y []float32) error
	// Dequant writes every row of w as f32 to y (w.Rows·w.Cols values).
	Dequant(w cpu.Matrix, y []float32) error
	// RMSNorm normalizes each row of width n of x in place, then multiplies
	// it by weight when weight is not nil.
	RMSNorm(x, weight []float32, n int, eps float32) error
	// Softmax replaces each row of width n of x with its softmax.
	Softmax(x []float32, n int) error
	// SwiGLU writes silu(gate[i])·up[i] into gate[i].
	SwiGLU(gate, up []float32) error
	// RoPE rotates the consecutive pairs of every head (headDim values) of
	// each token row (width values) of x by the token's cos/sin table
	// (headDim/2 values per token).
	RoPE(x []float32, width, headDim int, cos, sin []float32) error
	// TopK writes, for each row of nx router logits, the k largest indices
	// (largest first, lowest index on a tie) and their sigmoids.
	TopK(logits []float32, nx, k int, ids []int32, weights []float32) error
	// Attend computes causal (optionally chunked) attention over an f16 cache.
	Attend(a Attention) error
}

// Attention is one Attend call: N query tokens at positions Pos…Pos+N−1
// against an f16 cache stored by position (K[p·KVDim + g·HeadDim + d]).
type Attention struct {
	Q       []float32 // N × Heads·HeadDim
	K, V    []uint16  // f16 bits, at least (Pos+N) × HeadsKV·HeadDim
	Out     []float32 // N × Heads·HeadDim
	N       int
	Heads   int
	HeadsKV int
	HeadDim int
	Pos     int
	Chunk   int // > 0: a query sees only the keys of its own chunk (Llama 4 chunked layers)
	Scale   float32
}

// Visible returns the first cache position token t of the call sees.
func (a Attention) Visible(t int) int {
	if a.Chunk > 0 {
		return (a.Pos + t) / a.Chunk * a.Chunk
	}
	return 0
}
