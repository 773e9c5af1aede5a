package simd_test

import (
	"fmt"

	"hearth/engine/quant"
	"hearth/engine/simd"
)

// A decode step: quantize the activation vector once for the weight type,
// then take the dot product of every weight row with it. The values here
// are 127·2⁻ᵏ, which Q8_0 stores exactly, so the result is exact too.
func ExampleMatVec() {
	const n, rows = 256, 2
	weights := make([]float32, n*rows)
	x := make([]float32, n)
	for i := range x {
		x[i] = 127.0 / 256
		weights[i] = 127.0 / 128
		weights[n+i] = -127.0 / 64
	}
	rb, _ := quant.RowBytes(quant.Q8_0, n)
	w := make([]byte, rows*rb)
	if err := quant.QuantizeWeights(quant.Q8_0, weights, w); err != nil {
		fmt.Println(err)
		return
	}
	at := quant.VecDotType(quant.Q8_0)
	ab, _ := quant.RowBytes(at, n)
	act := make([]byte, ab)
	if err := simd.QuantizeActivation(at, x, act); err != nil {
		fmt.Println(err)
		return
	}
	out := make([]float32, rows)
	if err := simd.MatVec(quant.Q8_0, n, w, rb, rows, act, out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out[0], out[1])
	// Output: 126.00781 -252.01562
}
