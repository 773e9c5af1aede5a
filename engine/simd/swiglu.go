package simd

import (
	"fmt"
	"math"
)

// SwiGLU writes silu(gate[i])·up[i] into gate[i], silu(x) = x/(1+e^−x),
// in f32 steps as ggml computes it. The x86 variants take e^x from a
// vectorized polynomial accurate to about one ulp (ggml's SIMD path is an
// approximation too); "generic" uses a correctly rounded expf.
func SwiGLU(gate, up []float32) error {
	if len(up) < len(gate) {
		return fmt.Errorf("simd: swiglu: %d up values for %d gate values", len(up), len(gate))
	}
	if len(gate) == 0 || (len(gate) <= math.MaxInt32 && kernelSwiGLU(dispatch.kernel(), gate, up)) {
		return nil
	}
	up = up[:len(gate)]
	for i, g := range gate {
		d := 1 + float32(math.Exp(float64(-g)))
		gate[i] = g / d * up[i]
	}
	return nil
}
