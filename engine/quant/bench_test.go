package quant

import (
	"math/rand/v2"
	"testing"
)

// benchRow is the row length benchmarked: Llama 3 8B's hidden size, a
// multiple of every block size.
const benchRow = 4096

// BenchmarkVecDot measures one weight row against quantized activations;
// the reported MB/s is weight bytes read per second.
func BenchmarkVecDot(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := randomActivations(rng, benchRow)
	for _, typ := range weightTypes {
		at := VecDotType(typ)
		w := randomWeights(rng, typ, benchRow)
		act := make([]byte, benchRow/layouts[at].BlockElems*layouts[at].BlockBytes)
		if err := Quantize(at, x, act); err != nil {
			b.Fatal(err)
		}
		b.Run(typ.String(), func(b *testing.B) {
			b.SetBytes(int64(len(w)))
			for b.Loop() {
				VecDot(typ, benchRow, w, act)
			}
		})
	}
}

// BenchmarkQuantize measures the activation quantizers (and the weight
// quantizers) on one row; MB/s counts float32 input bytes.
func BenchmarkQuantize(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := randomActivations(rng, benchRow)
	for _, typ := range []Type{Q8_0, Q8_1, Q8_K, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K} {
		out := make([]byte, benchRow/layouts[typ].BlockElems*layouts[typ].BlockBytes)
		b.Run(typ.String(), func(b *testing.B) {
			b.SetBytes(4 * benchRow)
			for b.Loop() {
				if err := Quantize(typ, x, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDequantize measures expanding one row to float32; MB/s counts
// the encoded bytes read.
func BenchmarkDequantize(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	out := make([]float32, benchRow)
	for _, typ := range weightTypes {
		w := randomWeights(rng, typ, benchRow)
		b.Run(typ.String(), func(b *testing.B) {
			b.SetBytes(int64(len(w)))
			for b.Loop() {
				if err := Dequantize(typ, w, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
