package simd

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"hearth/engine/quant"
)

// activationRows returns named inputs of n floats: random ones and the
// edge cases of the quantizers' scale and rounding logic.
func activationRows(n int) map[string][]float32 {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	rows := map[string][]float32{}
	fill := func(name string, f func(i int) float32) {
		x := make([]float32, n)
		for i := range x {
			x[i] = f(i)
		}
		rows[name] = x
	}
	fill("random", func(int) float32 { return float32(rng.NormFloat64()) })
	fill("outliers", func(int) float32 {
		v := float32(rng.NormFloat64())
		if rng.IntN(16) == 0 {
			v *= 1000
		}
		return v
	})
	fill("zeros", func(int) float32 { return 0 })
	fill("negative zeros", func(int) float32 { return float32(math.Copysign(0, -1)) })
	fill("tiny", func(int) float32 { return float32(rng.NormFloat64() * 1e-38) })
	fill("subnormal", func(int) float32 { return float32(rng.NormFloat64() * 1e-42) })
	fill("huge", func(int) float32 { return float32(rng.NormFloat64() * 1e37) })
	fill("max float", func(i int) float32 { return float32(math.MaxFloat32) * float32(1-2*(i%2)) })
	fill("negative max", func(i int) float32 {
		if i%32 == 5 {
			return -100
		}
		return float32(rng.Float64()*200 - 100)
	})
	fill("ties", func(i int) float32 {
		if i%32 == 0 {
			return 127 // scale 1: x·127/127 lands on the .5 ties below
		}
		return float32(i%32) - 16.5
	})
	fill("ties Q8_K", func(i int) float32 {
		if i%256 == 0 {
			return -127 // iscale = 1
		}
		return float32(i%64) - 32.5
	})
	fill("one nonzero", func(i int) float32 {
		if i%97 == 3 {
			return -3.25
		}
		return 0
	})
	fill("infinities", func(i int) float32 {
		if i%40 == 1 {
			return float32(math.Inf(1 - 2*(i%2)))
		}
		return float32(rng.NormFloat64())
	})
	return rows
}

func TestQuantizeActivationBitIdentical(t *testing.T) {
	withVariant(t, func(t *testing.T) {
		types := []quant.Type{quant.Q8_0, quant.Q8_1, quant.Q8_K, quant.F16, quant.BF16, quant.F32}
		for _, typ := range types {
			for _, n := range []int{256, 4096 + 512} {
				for name, src := range activationRows(n) {
					t.Run(fmt.Sprintf("%s/%d/%s", typ, n, name), func(t *testing.T) {
						size, _ := quant.RowBytes(typ, n)
						want, got := make([]byte, size), make([]byte, size)
						if err := quant.Quantize(typ, src, want); err != nil {
							t.Fatal(err)
						}
						if err := QuantizeActivation(typ, src, got); err != nil {
							t.Fatal(err)
						}
						if i := firstDiff(got, want); i >= 0 {
							t.Fatalf("byte %d differs: got %#x, want %#x", i, got[i], want[i])
						}
					})
				}
			}
		}
	})
}

func firstDiff(a, b []byte) int {
	if bytes.Equal(a, b) {
		return -1
	}
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return len(a)
}

func TestQuantizeActivationRejectsBadSizes(t *testing.T) {
	tests := []struct {
		name string
		typ  quant.Type
		n    int
		dst  int
	}{
		{"partial block", quant.Q8_0, 33, 68},
		{"short output", quant.Q8_K, 256, 291},
		{"long output", quant.Q8_0, 32, 35},
		{"weight-only type", quant.Q5_K, 256, 176},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := QuantizeActivation(tc.typ, make([]float32, tc.n), make([]byte, tc.dst)); err == nil {
				t.Fatal("no error")
			}
		})
	}
}
