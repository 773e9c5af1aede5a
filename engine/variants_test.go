package engine

import (
	"testing"

	"hearth/engine/simd"
)

// TestGoldensEveryKernel runs the golden suite under each kernel variant
// this CPU can run ("generic" included). Default math goes through the
// variant's quantized dot products; reference math (the -dequant-f32
// runs) stays on the portable dequantize path whatever the variant.
func TestGoldensEveryKernel(t *testing.T) {
	active := simd.Kernel()
	defer simd.SetVariant(active)
	for _, v := range simd.Variants() {
		t.Run(v, func(t *testing.T) {
			if err := simd.SetVariant(v); err != nil {
				t.Fatal(err)
			}
			goldenSuite(t)
		})
	}
}
