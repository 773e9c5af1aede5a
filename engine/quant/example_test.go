package quant_test

import (
	"fmt"

	"hearth/engine/quant"
)

// A quantized matrix-vector product, row by row, the way the engine does
// it: quantize the activations once into the weight type's partner, then
// take integer dot products block by block.
func ExampleVecDot() {
	const n = 64
	weights := make([]float32, n)
	x := make([]float32, n)
	for i := range weights {
		weights[i] = float32(i%7) - 3
		x[i] = float32(i%5) * 0.25
	}
	w := make([]byte, 2*34) // two Q8_0 blocks
	if err := quant.QuantizeWeights(quant.Q8_0, weights, w); err != nil {
		panic(err)
	}
	at := quant.VecDotType(quant.Q8_0)
	act := make([]byte, 2*34)
	if err := quant.Quantize(at, x, act); err != nil {
		panic(err)
	}
	var exact float32
	for i := range x {
		exact += weights[i] * x[i]
	}
	fmt.Printf("activations as %s: %.3f (exact %.3f)\n", at, quant.VecDot(quant.Q8_0, n, w, act), exact)
	// Output: activations as Q8_0: -2.994 (exact -3.000)
}
