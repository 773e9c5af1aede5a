package cpu

import (
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"hearth/engine/quant"
	"hearth/engine/simd"
)

type countTask struct{ hits []atomic.Int32 }

func (c *countTask) Run(worker, lo, hi int) {
	for i := lo; i < hi; i++ {
		c.hits[i].Add(1)
	}
}

func TestParallelCoversEveryItemOnce(t *testing.T) {
	p := NewPool(4)
	defer p.Close()
	for _, c := range []struct{ n, grain int }{{1, 0}, {7, 1}, {1000, 0}, {1000, 333}, {5, 100}} {
		task := &countTask{hits: make([]atomic.Int32, c.n)}
		p.Parallel(c.n, c.grain, task)
		for i := range task.hits {
			if h := task.hits[i].Load(); h != 1 {
				t.Fatalf("n=%d grain=%d: item %d ran %d times", c.n, c.grain, i, h)
			}
		}
	}
}

func TestParallelAllocatesNothing(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	task := &countTask{hits: make([]atomic.Int32, 64)}
	if a := testing.AllocsPerRun(100, func() { p.Parallel(64, 4, task) }); a != 0 {
		t.Errorf("%v allocations per Parallel", a)
	}
}

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// TestMatMulModes checks the three dot paths, under every kernel variant,
// against values computed here independently: F32 against a float64 sum; a
// Q8_0 matrix in default mode against quant.VecDot of llama.cpp's quantized
// activations (the kernels sum the exact block integers in another float
// order, so to a relative 1e-6); in reference mode against a float64 sum
// over the dequantized weights.
func TestMatMulModes(t *testing.T) {
	active := simd.Kernel()
	defer simd.SetVariant(active)
	for _, v := range simd.Variants() {
		t.Run(v, func(t *testing.T) {
			if err := simd.SetVariant(v); err != nil {
				t.Fatal(err)
			}
			testMatMulModes(t)
		})
	}
}

func testMatMulModes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const cols, rows, n = 64, 9, 3
	w := randVec(r, cols*rows)
	x := randVec(r, cols*n)
	pool := NewPool(2)
	defer pool.Close()

	wf32 := make([]byte, 4*len(w))
	for i, v := range w {
		b := math.Float32bits(v)
		wf32[4*i], wf32[4*i+1], wf32[4*i+2], wf32[4*i+3] = byte(b), byte(b>>8), byte(b>>16), byte(b>>24)
	}
	wq := make([]byte, rows*34*cols/32)
	if err := quant.QuantizeWeights(quant.Q8_0, w, wq); err != nil {
		t.Fatal(err)
	}
	deq := make([]float32, len(w))
	if err := quant.Dequantize(quant.Q8_0, wq, deq); err != nil {
		t.Fatal(err)
	}
	dot64 := func(a, b []float32) float64 {
		var s float64
		for i := range a {
			s += float64(a[i]) * float64(b[i])
		}
		return s
	}
	for _, c := range []struct {
		name      string
		typ       quant.Type
		data      []byte
		reference bool
		want      func(o, i int) float64
		tol       float64
	}{
		{"f32", quant.F32, wf32, false, func(o, i int) float64 { return dot64(w[o*cols:(o+1)*cols], x[i*cols:(i+1)*cols]) }, 1e-5},
		{"q8_0 reference", quant.Q8_0, wq, true, func(o, i int) float64 { return dot64(deq[o*cols:(o+1)*cols], x[i*cols:(i+1)*cols]) }, 1e-5},
		{"q8_0 quantized", quant.Q8_0, wq, false, func(o, i int) float64 {
			act := make([]byte, 2*34)
			if err := quant.Quantize(quant.Q8_0, x[i*cols:(i+1)*cols], act); err != nil {
				t.Fatal(err)
			}
			return float64(quant.VecDot(quant.Q8_0, cols, wq[o*68:(o+1)*68], act))
		}, 1e-6},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := NewMatrix(c.typ, cols, rows, c.data)
			if err != nil {
				t.Fatal(err)
			}
			mm := NewMatMul(pool, c.reference)
			out := make([]float32, n*rows)
			mm.Mul(m, x, n, out)
			if err := mm.Err(); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < n; i++ {
				for o := 0; o < rows; o++ {
					if d := math.Abs(float64(out[i*rows+o]) - c.want(o, i)); d > c.tol*(1+math.Abs(c.want(o, i))) {
						t.Errorf("out[%d][%d] = %g, want %g", i, o, out[i*rows+o], c.want(o, i))
					}
				}
			}
		})
	}
}

func TestNewMatrixChecksSize(t *testing.T) {
	if _, err := NewMatrix(quant.Q8_0, 64, 2, make([]byte, 100)); err == nil {
		t.Error("a 2×64 Q8_0 matrix accepted 100 bytes")
	}
	if _, err := NewMatrix(quant.Q4_K, 64, 1, make([]byte, 1000)); err == nil {
		t.Error("a Q4_K row of 64 (not a multiple of 256) was accepted")
	}
}

func TestVectorOps(t *testing.T) {
	x := []float32{1, -2, 3, -4}
	y := make([]float32, 4)
	RMSNorm(y, x, 0)
	rms := math.Sqrt((1 + 4 + 9 + 16) / 4.0)
	for i := range x {
		if d := math.Abs(float64(y[i]) - float64(x[i])/rms); d > 1e-6 {
			t.Errorf("RMSNorm[%d] = %g", i, y[i])
		}
	}
	s := []float32{1, 2, 3}
	SoftmaxInPlace(s)
	z := math.Exp(1) + math.Exp(2) + math.Exp(3)
	for i, v := range s {
		if d := math.Abs(float64(v) - math.Exp(float64(i+1))/z); d > 1e-6 {
			t.Errorf("softmax[%d] = %g", i, v)
		}
	}
	g, u := []float32{0, 1, -2}, []float32{2, 3, 4}
	SwiGLU(g, u)
	for i, want := range []float64{0, 3 / (1 + math.Exp(-1)), 4 * -2 / (1 + math.Exp(2))} {
		if d := math.Abs(float64(g[i]) - want); d > 1e-6 {
			t.Errorf("swiglu[%d] = %g, want %g", i, g[i], want)
		}
	}
	if Argmax([]float32{1, 5, 5, 2}) != 1 {
		t.Error("Argmax does not prefer the lowest index on a tie")
	}
}

func BenchmarkMatVecQ8_0(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const cols, rows = 4096, 1024
	w := randVec(r, cols*rows)
	wq := make([]byte, rows*cols/32*34)
	if err := quant.QuantizeWeights(quant.Q8_0, w, wq); err != nil {
		b.Fatal(err)
	}
	m, _ := NewMatrix(quant.Q8_0, cols, rows, wq)
	x := randVec(r, cols)
	out := make([]float32, rows)
	pool := NewPool(0)
	defer pool.Close()
	mm := NewMatMul(pool, false)
	b.ReportAllocs()
	b.SetBytes(int64(len(wq)))
	for i := 0; i < b.N; i++ {
		mm.Mul(m, x, 1, out)
	}
}

// TestMulManyMatchesMul checks that fused products (and a product that
// cannot fuse, F32 beside Q8_0) give exactly what separate calls give.
func TestMulManyMatchesMul(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const cols, n = 64, 5
	pool := NewPool(2)
	defer pool.Close()
	var ms []Matrix
	for _, c := range []struct {
		typ  quant.Type
		rows int
	}{{quant.Q8_0, 40}, {quant.Q8_0, 24}, {quant.F32, 8}, {quant.Q8_0, 3}} {
		w := randVec(r, cols*c.rows)
		rb, _ := quant.RowBytes(c.typ, cols)
		data := make([]byte, rb*c.rows)
		if err := quant.QuantizeWeights(c.typ, w, data); err != nil {
			t.Fatal(err)
		}
		m, err := NewMatrix(c.typ, cols, c.rows, data)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	x := randVec(r, cols*n)
	for _, reference := range []bool{false, true} {
		mm := NewMatMul(pool, reference)
		var ps []Product
		for _, m := range ms {
			want := make([]float32, n*m.Rows)
			mm.Mul(m, x, n, want)
			ps = append(ps, Product{m, make([]float32, n*m.Rows)})
			defer func(p Product) {
				for i := range want {
					if p.Out[i] != want[i] {
						t.Errorf("reference=%v %s: out[%d] = %g, separately %g", reference, p.W.Type, i, p.Out[i], want[i])
						return
					}
				}
			}(ps[len(ps)-1])
		}
		mm.MulMany(x, n, ps...)
		if err := mm.Err(); err != nil {
			t.Fatal(err)
		}
	}
}
