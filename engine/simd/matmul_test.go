package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"hearth/engine/quant"
)

// withVariant runs f once per variant this CPU supports, restoring the
// active one afterwards.
func withVariant(t *testing.T, f func(t *testing.T)) {
	saved := Kernel()
	defer func() {
		if err := SetVariant(saved); err != nil {
			t.Fatal(err)
		}
	}()
	for _, v := range Variants() {
		t.Run(v, func(t *testing.T) {
			if err := SetVariant(v); err != nil {
				t.Fatal(err)
			}
			if Kernel() != v {
				t.Fatalf("Kernel() = %q after SetVariant(%q)", Kernel(), v)
			}
			f(t)
		})
	}
}

// sizesFor returns row lengths to test: the block size, a typical width,
// and odd multiples of the block size.
func sizesFor(typ quant.Type) []int {
	l, _ := quant.LayoutOf(typ)
	if l.BlockElems == 1 {
		return []int{1, 7, 256, 4096, 8192 + 13}
	}
	// Past 16384 elements the AVX-512 Q4_0/Q8_0 matrix-vector product
	// works in pieces of a row.
	return []int{l.BlockElems, 4096, 8192 + 3*l.BlockElems, 16384 + 3*l.BlockElems}
}

type deviation struct{ worst float64 }

// check compares one kernel result with quant.VecDot within the rounding
// bound and tracks the largest deviation relative to S.
func (d *deviation) check(t *testing.T, typ quant.Type, n int, w, act []byte, got float32, where string) {
	t.Helper()
	want := quant.VecDot(typ, n, w, act)
	s := magnitude(t, typ, n, w, act)
	diff := math.Abs(float64(got) - float64(want))
	tol := roundingTerms(typ, n) * 0x1p-24 * s
	if diff > tol || math.IsNaN(float64(got)) {
		t.Errorf("%s: got %g, reference %g: |Δ| = %g > bound %g (S = %g)", where, got, want, diff, tol, s)
	}
	if s > 0 {
		d.worst = max(d.worst, diff/s)
	}
}

func TestMatVecMatchesReference(t *testing.T) {
	withVariant(t, func(t *testing.T) {
		for _, typ := range kernelTypes {
			for _, n := range sizesFor(typ) {
				t.Run(fmt.Sprintf("%s/n=%d", typ, n), func(t *testing.T) {
					rng := rand.New(rand.NewPCG(uint64(typ), uint64(n)))
					rb, _ := quant.RowBytes(typ, n)
					const rows = 6
					w := randomWeights(t, rng, typ, n, rows, rb)
					act := randomActivation(t, rng, typ, n)
					out := make([]float32, rows)
					if err := MatVec(typ, n, w, rb, rows, act, out); err != nil {
						t.Fatal(err)
					}
					var dev deviation
					for r := range rows {
						dev.check(t, typ, n, w[r*rb:(r+1)*rb], act, out[r], fmt.Sprintf("row %d", r))
					}
					t.Logf("max |Δ|/S = %.3g", dev.worst)
				})
			}
		}
	})
}

func TestMatMulMatchesReference(t *testing.T) {
	withVariant(t, func(t *testing.T) {
		for _, typ := range kernelTypes {
			l, _ := quant.LayoutOf(typ)
			n := 2 * max(l.BlockElems, 256)
			for _, nTok := range []int{1, 3, 4, 9, 17} {
				t.Run(fmt.Sprintf("%s/tokens=%d", typ, nTok), func(t *testing.T) {
					rng := rand.New(rand.NewPCG(uint64(typ), uint64(nTok)))
					rb, _ := quant.RowBytes(typ, n)
					ab, _ := quant.RowBytes(quant.VecDotType(typ), n)
					const rows = 7
					// Strides wider than the data check that padding is skipped.
					rowStride, actStride, outStride := rb+16, ab+8, rows+3
					w := randomWeights(t, rng, typ, n, rows, rowStride)
					acts := make([]byte, nTok*actStride)
					for tok := range nTok {
						copy(acts[tok*actStride:], randomActivation(t, rng, typ, n))
					}
					out := make([]float32, nTok*outStride)
					if err := MatMul(typ, n, w, rowStride, rows, acts, actStride, nTok, out, outStride); err != nil {
						t.Fatal(err)
					}
					var dev deviation
					for tok := range nTok {
						a := acts[tok*actStride : tok*actStride+ab]
						for r := range rows {
							dev.check(t, typ, n, w[r*rowStride:r*rowStride+rb], a, out[tok*outStride+r], fmt.Sprintf("token %d row %d", tok, r))
						}
					}
					t.Logf("max |Δ|/S = %.3g", dev.worst)
				})
			}
		}
	})
}

func TestMatMulRejectsBadSizes(t *testing.T) {
	rb, _ := quant.RowBytes(quant.Q4_K, 256)
	ab, _ := quant.RowBytes(quant.Q8_K, 256)
	w, act := make([]byte, 2*rb), make([]byte, ab)
	tests := []struct {
		name string
		typ  quant.Type
		n    int
		w    []byte
		rows int
		act  []byte
		out  int
		rb   int // 0: the row size
	}{
		{"short weights", quant.Q4_K, 256, w[:rb+10], 2, act, 2, 0},
		{"short activations", quant.Q4_K, 256, w, 2, act[:ab-1], 2, 0},
		{"short output", quant.Q4_K, 256, w, 2, act, 1, 0},
		{"partial block", quant.Q4_K, 200, w, 2, act, 2, 0},
		{"unsupported type", quant.IQ2_XXS, 256, w, 2, act, 2, 0},
		{"negative rows", quant.Q4_K, 256, w, -1, act, 2, 0},
		{"too many rows", quant.Q4_K, 256, w, 1 << 30, act, 2, 0},
		{"stride overflowing int", quant.Q4_K, 256, w, 3, act, 3, math.MaxInt/2 + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := make([]float32, tc.out)
			stride := rb
			if tc.rb != 0 {
				stride = tc.rb
			}
			if err := MatVec(tc.typ, tc.n, tc.w, stride, tc.rows, tc.act, out); err == nil {
				t.Fatal("no error")
			}
			for i, v := range out {
				if !math.IsNaN(float64(v)) {
					t.Errorf("out[%d] = %g, want NaN", i, v)
				}
			}
		})
	}
}

func TestCallsDoNotAllocate(t *testing.T) {
	withVariant(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 9))
		const n, rows = 512, 4
		rb, _ := quant.RowBytes(quant.Q4_K, n)
		w := randomWeights(t, rng, quant.Q4_K, n, rows, rb)
		src := activationRows(n)["random"]
		act := make([]byte, 2*292)
		out := make([]float32, rows)
		allocs := testing.AllocsPerRun(20, func() {
			if err := QuantizeActivation(quant.Q8_K, src, act); err != nil {
				t.Fatal(err)
			}
			if err := MatVec(quant.Q4_K, n, w, rb, rows, act, out); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Fatalf("%v allocations per call, want 0", allocs)
		}
	})
}
