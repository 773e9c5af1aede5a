package cpu

import (
	"fmt"
	"sync"

	"hearth/engine/quant"
)

// MatMul multiplies weight matrices by batches of f32 activations. It owns
// the scratch (quantized activations, dequantized rows) and is reused for
// every product of one session, so steady-state calls allocate nothing.
//
// In the default mode it does what llama.cpp's CPU backend does: each input
// row is quantized once to quant.VecDotType(weight type) and every output is
// quant.VecDot of a weight row with it. In reference mode each weight row is
// dequantized to f32 and dotted in f32, which matches a model whose weights
// were converted to F32 beforehand. F32 weights use the f32 dot in both.
type MatMul struct {
	pool      *Pool
	reference bool
	act       []byte
	rows      [][]float32
	mu        sync.Mutex // guards err, which workers may set
	err       error
	task      matmulTask
}

// NewMatMul returns a MatMul that runs on pool; reference selects f32 math
// on dequantized weight rows.
func NewMatMul(pool *Pool, reference bool) *MatMul {
	return &MatMul{pool: pool, reference: reference, rows: make([][]float32, pool.Threads())}
}

// Err returns the first error a product met (an unsupported type), or nil.
func (mm *MatMul) Err() error {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	return mm.err
}

// Mul computes out[t·w.Rows + r] = W[r]·x[t·w.Cols : (t+1)·w.Cols] for the n
// rows t of x.
func (mm *MatMul) Mul(w Matrix, x []float32, n int, out []float32) {
	if n == 0 || mm.Err() != nil {
		return
	}
	t := &mm.task
	*t = matmulTask{mm: mm, w: w, x: x[:n*w.Cols], n: n, out: out[:n*w.Rows]}
	switch {
	case w.Type == quant.F32:
		t.kind = dotF32
	case mm.reference:
		t.kind = dotDequant
		for i := range mm.rows {
			if cap(mm.rows[i]) < w.Cols {
				mm.rows[i] = make([]float32, w.Cols)
			}
		}
	default:
		t.kind = dotQuant
		vt := quant.VecDotType(w.Type)
		ab, err := quant.RowBytes(vt, w.Cols)
		if err != nil {
			mm.fail(w, err)
			return
		}
		if cap(mm.act) < n*ab {
			mm.act = make([]byte, n*ab)
		}
		t.act, t.actStride = mm.act[:n*ab], ab
		for i := 0; i < n; i++ {
			if err := quant.Quantize(vt, x[i*w.Cols:(i+1)*w.Cols], t.act[i*ab:(i+1)*ab]); err != nil {
				mm.fail(w, err)
				return
			}
		}
	}
	mm.pool.Parallel(w.Rows, 0, t)
}

func (mm *MatMul) fail(w Matrix, err error) {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	if mm.err == nil {
		mm.err = fmt.Errorf("cpu: %s matmul %d×%d: %w", w.Type, w.Rows, w.Cols, err)
	}
}

type dotKind int

const (
	dotF32 dotKind = iota
	dotDequant
	dotQuant
)

type matmulTask struct {
	mm        *MatMul
	kind      dotKind
	w         Matrix
	x         []float32
	n         int
	out       []float32
	act       []byte
	actStride int
}

func (t *matmulTask) Run(worker, lo, hi int) {
	k, m := t.w.Cols, t.w.Rows
	for r := lo; r < hi; r++ {
		row := t.w.Row(r)
		switch t.kind {
		case dotF32:
			wf := f32View(row)
			for i := 0; i < t.n; i++ {
				t.out[i*m+r] = Dot(wf, t.x[i*k:])
			}
		case dotDequant:
			wf := t.mm.rows[worker][:k]
			if err := quant.Dequantize(t.w.Type, row, wf); err != nil {
				t.mm.fail(t.w, err)
				return
			}
			for i := 0; i < t.n; i++ {
				t.out[i*m+r] = Dot(wf, t.x[i*k:])
			}
		case dotQuant:
			for i := 0; i < t.n; i++ {
				t.out[i*m+r] = quant.VecDot(t.w.Type, k, row, t.act[i*t.actStride:(i+1)*t.actStride])
			}
		}
	}
}
