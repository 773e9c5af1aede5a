package vision

import (
	"math"

	"hearth/engine/quant"
)

// geluTable reproduces ggml's CPU GELU: the input is rounded to float16 and
// looked up in a table of float16 results of the tanh approximation. Inputs
// at or below −10 give 0 and at or above 10 give the input. Matching the
// table (rather than computing GELU exactly) is what keeps the embeddings
// within about 1e-3 of llama.cpp.
type geluTable [1 << 16]float32

func newGELUTable() *geluTable {
	var t geluTable
	for h := range t {
		x := float64(quant.F16ToF32(uint16(h)))
		y := 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*x*(1+0.044715*x*x)))
		t[h] = quant.F16ToF32(quant.F32ToF16(float32(y)))
	}
	return &t
}

// apply replaces every x[i] by GELU(x[i]).
func (t *geluTable) apply(x []float32) {
	for i, v := range x {
		switch {
		case v <= -10:
			x[i] = 0
		case v >= 10:
		default:
			x[i] = t[quant.F32ToF16(v)]
		}
	}
}
