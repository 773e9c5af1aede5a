package cuda

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"hearth/engine/backend"
	"hearth/engine/cpu"
	"hearth/engine/gguf"
	"hearth/engine/quant"
)

// compareWithCPU runs every kernel of dev and of the CPU on the same inputs
// — random weights of every format and the real tensors of the tiny
// fixture models — and fails on any difference beyond f32 reordering.
// bitwise asks dequantization to match to the bit (the emulator compiles
// without FMA contraction; a GPU contracts, so it gets a one-ulp margin).
func compareWithCPU(t *testing.T, dev backend.Kernels, bitwise bool) {
	ref := backend.CPUKernels{}
	rng := rand.New(rand.NewPCG(15, 1))
	t.Run("formats", func(t *testing.T) {
		for _, ty := range Formats() {
			t.Run(ty.String(), func(t *testing.T) {
				w := randomMatrix(t, rng, ty, 12, 512)
				compareMatrix(t, dev, ref, w, rng, bitwise)
			})
		}
	})
	t.Run("fixtures", func(t *testing.T) {
		dir := filepath.Join("..", "..", "..", "..", "shared", "fixtures", "models")
		files, _ := filepath.Glob(filepath.Join(dir, "tiny-*.gguf"))
		if len(files) == 0 {
			t.Skipf("no fixture models in %s", dir)
		}
		seen := map[quant.Type]int{}
		for _, path := range files {
			f, err := gguf.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, tt := range f.Tensors() {
				// two tensors of each format are plenty: the emulator runs a
				// block's threads as real threads
				if len(tt.Dims) < 2 || !Supports(tt.Type) || tt.Dims[0]%16 != 0 || seen[tt.Type] >= 2 {
					continue
				}
				seen[tt.Type]++
				rows := min(int(tt.Rows()), 9)
				w, err := cpu.NewMatrix(tt.Type, int(tt.Dims[0]), int(tt.Rows()), tt.Data)
				if err != nil {
					t.Fatal(err)
				}
				w = w.Block(0, rows)
				t.Run(filepath.Base(path)+"/"+tt.Name, func(t *testing.T) { compareMatrix(t, dev, ref, w, rng, bitwise) })
			}
			f.Close()
		}
		for _, ty := range []quant.Type{quant.F32, quant.F16, quant.BF16, quant.Q4_0, quant.Q8_0, quant.Q4_K, quant.Q6_K} {
			if seen[ty] == 0 {
				t.Errorf("no fixture tensor of type %s was compared", ty)
			}
		}
	})
	t.Run("rmsnorm", func(t *testing.T) {
		x := randVec(rng, 3*320)
		w := randVec(rng, 320)
		for _, weight := range [][]float32{w, nil} {
			got, want := clone(x), clone(x)
			check(t, "rmsnorm", dev.RMSNorm(got, weight, 320, 1e-5), ref.RMSNorm(want, weight, 320, 1e-5))
			closeAll(t, "rmsnorm", got, want, 2e-6)
		}
	})
	t.Run("softmax", func(t *testing.T) {
		x := randVec(rng, 2*1000)
		got, want := clone(x), clone(x)
		check(t, "softmax", dev.Softmax(got, 1000), ref.Softmax(want, 1000))
		closeAll(t, "softmax", got, want, 2e-6)
	})
	t.Run("swiglu", func(t *testing.T) {
		g, up := randVec(rng, 1000), randVec(rng, 1000)
		got, want := clone(g), clone(g)
		check(t, "swiglu", dev.SwiGLU(got, up), ref.SwiGLU(want, up))
		closeAll(t, "swiglu", got, want, 2e-6)
	})
	t.Run("rope", func(t *testing.T) {
		const tokens, width, hd = 3, 4 * 64, 64
		x := randVec(rng, tokens*width)
		cs, sn := make([]float32, tokens*hd/2), make([]float32, tokens*hd/2)
		for i := range cs {
			a := float64(i) * 0.37
			cs[i], sn[i] = float32(math.Cos(a)), float32(math.Sin(a))
		}
		got, want := clone(x), clone(x)
		check(t, "rope", dev.RoPE(got, width, hd, cs, sn), ref.RoPE(want, width, hd, cs, sn))
		closeAll(t, "rope", got, want, 1e-6)
	})
	t.Run("topk", func(t *testing.T) {
		const rows, nx, k = 5, 16, 3
		l := randVec(rng, rows*nx)
		l[nx+3], l[nx+9] = 4, 4 // a tie: the lower index wins
		gi, wi := make([]int32, rows*k), make([]int32, rows*k)
		gw, ww := make([]float32, rows*k), make([]float32, rows*k)
		check(t, "topk", dev.TopK(l, nx, k, gi, gw), ref.TopK(l, nx, k, wi, ww))
		for i := range gi {
			if gi[i] != wi[i] {
				t.Fatalf("topk ids %v, want %v", gi, wi)
			}
		}
		closeAll(t, "topk weights", gw, ww, 1e-6)
	})
	for _, chunk := range []int{0, 8} {
		t.Run(fmt.Sprintf("attend/chunk=%d", chunk), func(t *testing.T) {
			a := backend.Attention{N: 5, Heads: 4, HeadsKV: 2, HeadDim: 64, Pos: 14, Chunk: chunk, Scale: 0.125}
			qd, kd, ctx := a.Heads*a.HeadDim, a.HeadsKV*a.HeadDim, a.Pos+a.N
			a.Q = randVec(rng, a.N*qd)
			a.K, a.V = make([]uint16, ctx*kd), make([]uint16, ctx*kd)
			for i := range a.K {
				a.K[i] = quant.F32ToF16(float32(rng.NormFloat64()))
				a.V[i] = quant.F32ToF16(float32(rng.NormFloat64()))
			}
			got, want := a, a
			got.Out, want.Out = make([]float32, a.N*qd), make([]float32, a.N*qd)
			check(t, "attend", dev.Attend(got), ref.Attend(want))
			closeAll(t, "attend", got.Out, want.Out, 2e-5)
		})
	}
}

// compareMatrix checks dequantization of w and matmuls of 1 and 11 tokens
// (a full and a partial tile).
func compareMatrix(t *testing.T, dev, ref backend.Kernels, w cpu.Matrix, rng *rand.Rand, bitwise bool) {
	t.Helper()
	got, want := make([]float32, w.Rows*w.Cols), make([]float32, w.Rows*w.Cols)
	check(t, "dequant", dev.Dequant(w, got), ref.Dequant(w, want))
	for i := range got {
		if got[i] != want[i] && (bitwise || math.Abs(float64(got[i]-want[i])) > 1e-6*math.Abs(float64(want[i]))+1e-30) {
			t.Fatalf("%s dequant element %d (row %d): %g, want %g", w.Type, i, i/w.Cols, got[i], want[i])
		}
	}
	for _, n := range []int{1, 11} {
		x := randVec(rng, n*w.Cols)
		gy, wy := make([]float32, n*w.Rows), make([]float32, n*w.Rows)
		check(t, "matmul", dev.MatMul(w, x, n, gy), ref.MatMul(w, x, n, wy))
		for i := range gy {
			// bound: f32 reordering error of Σ|w·x| over Cols terms
			r, tok := i%w.Rows, i/w.Rows
			var mag float64
			for c := 0; c < w.Cols; c++ {
				mag += math.Abs(float64(want[r*w.Cols+c] * x[tok*w.Cols+c]))
			}
			if d := math.Abs(float64(gy[i] - wy[i])); d > 1e-5*mag+1e-30 {
				t.Fatalf("%s matmul n=%d y[%d] = %g, want %g (|Σ| %g)", w.Type, n, i, gy[i], wy[i], mag)
			}
		}
	}
}

func randomMatrix(t *testing.T, rng *rand.Rand, ty quant.Type, rows, cols int) cpu.Matrix {
	t.Helper()
	src := randVec(rng, rows*cols)
	stride, err := quant.RowBytes(ty, cols)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, stride*rows)
	if ty == quant.F32 {
		for i, v := range src {
			u := math.Float32bits(v)
			data[4*i], data[4*i+1], data[4*i+2], data[4*i+3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
		}
	} else {
		for r := 0; r < rows; r++ {
			if err := quant.QuantizeWeights(ty, src[r*cols:(r+1)*cols], data[r*stride:(r+1)*stride]); err != nil {
				t.Fatal(err)
			}
		}
	}
	w, err := cpu.NewMatrix(ty, cols, rows, data)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func randVec(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

func clone(x []float32) []float32 { return append([]float32(nil), x...) }

func check(t *testing.T, what string, dev, ref error) {
	t.Helper()
	if dev != nil || ref != nil {
		t.Fatalf("%s: device error %v, CPU error %v", what, dev, ref)
	}
}

// closeAll fails when any |got − want| exceeds rel·max(|want|, 1).
func closeAll(t *testing.T, what string, got, want []float32, rel float64) {
	t.Helper()
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > rel*max(math.Abs(float64(want[i])), 1) || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s[%d] = %g, want %g", what, i, got[i], want[i])
		}
	}
}
