package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSwiGLU checks every variant against silu(g)·u in float64, to a few
// f32 ulps, over ordinary values, a dense sweep and the extremes (below
// 1e-30 in size, where e^−x overflows, any tiny value or zero will do).
func TestSwiGLU(t *testing.T) {
	active := Kernel()
	defer SetVariant(active)
	r := rand.New(rand.NewPCG(9, 10))
	var g, u []float32
	for i := 0; i < 1000; i++ {
		g = append(g, float32(r.NormFloat64()*4))
		u = append(u, float32(r.NormFloat64()))
	}
	for x := -100.0; x <= 100; x += 0.37 {
		g, u = append(g, float32(x)), append(u, 1)
	}
	g, u = append(g, 0, 1e-30, -1e-30, 1e30, -1e30, 87.5, -87.5), append(u, 1, 1, 1, 1, 1, -3, 2)
	for _, v := range Variants() {
		if err := SetVariant(v); err != nil {
			t.Fatal(err)
		}
		out := append([]float32(nil), g...)
		if err := SwiGLU(out, u); err != nil {
			t.Fatal(err)
		}
		for i, x := range g {
			want := float64(x) / (1 + math.Exp(-float64(x))) * float64(u[i])
			if e := math.Abs(float64(out[i]) - want); e > 4e-7*math.Abs(want)+1e-30 {
				t.Errorf("%s: swiglu(%g, %g) = %g, want %g", v, x, u[i], out[i], want)
			}
		}
	}
	if err := SwiGLU(make([]float32, 3), make([]float32, 2)); err == nil {
		t.Error("short up accepted")
	}
}
