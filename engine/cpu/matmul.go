package cpu

import (
	"fmt"
	"sync"
	"unsafe"

	"hearth/engine/quant"
	"hearth/engine/simd"
)

// MatMul multiplies weight matrices by batches of f32 activations. It owns
// the scratch (quantized activations, dequantized rows) and is reused for
// every product of one session, so steady-state calls allocate nothing.
//
// In the default mode it does what llama.cpp's CPU backend does: each input
// row is quantized once to quant.VecDotType(weight type) and every output is
// the dot product of a weight row with it, taken by package simd's kernels
// (the active variant; "generic" is quant.VecDot). F32 weights are dotted
// with the f32 activations in place. In reference mode each weight row is
// dequantized to f32 and dotted in portable Go, which matches a model whose
// weights were converted to F32 beforehand.
type MatMul struct {
	pool      *Pool
	reference bool
	act       []byte
	rows      [][]float32
	mu        sync.Mutex // guards err, which workers may set
	err       error
	task      matmulTask
	quant     quantizeTask
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

// rowGrain is the row count of one parallel chunk of a product: a multiple
// of the kernels' row tiles, small enough that two workers finish close
// together even when one of them is interrupted.
const rowGrain = 16

// maxProducts is the most matrices one MulMany call fuses.
const maxProducts = 4

// Product is one weight matrix of a MulMany call and the output it writes.
type Product struct {
	W   Matrix
	Out []float32
}

// Mul computes out[t·w.Rows + r] = W[r]·x[t·w.Cols : (t+1)·w.Cols] for the n
// rows t of x.
func (mm *MatMul) Mul(w Matrix, x []float32, n int, out []float32) {
	mm.MulMany(x, n, Product{w, out})
}

// MulMany is Mul for several matrices applied to the same input (the q, k
// and v projections; the gate and up halves of an FFN): the input is
// quantized once and the rows of all the products are shared out among the
// workers in one parallel step, so a decoded token waits on fewer
// barriers. Products whose activation types differ run one after another.
func (mm *MatMul) MulMany(x []float32, n int, ps ...Product) {
	if n == 0 || len(ps) == 0 || mm.Err() != nil {
		return
	}
	for len(ps) > 0 {
		k := 1
		for k < len(ps) && k < maxProducts && fuses(ps[0].W, ps[k].W) && !mm.reference {
			k++
		}
		mm.mul(x, n, ps[:k])
		ps = ps[k:]
	}
}

// fuses reports whether a and b can share one quantized input.
func fuses(a, b Matrix) bool {
	return a.Cols == b.Cols && quant.VecDotType(a.Type) == quant.VecDotType(b.Type) && (a.Type == quant.F32) == (b.Type == quant.F32)
}

func (mm *MatMul) mul(x []float32, n int, ps []Product) {
	w := ps[0].W
	t := &mm.task
	*t = matmulTask{mm: mm, x: x[:n*w.Cols], n: n, np: len(ps)}
	for i, p := range ps {
		t.parts[i] = part{w: p.W, out: p.Out[:n*p.W.Rows], first: t.rows}
		t.rows += p.W.Rows
	}
	switch {
	case mm.reference && w.Type == quant.F32:
		t.kind = dotF32
	case mm.reference:
		t.kind = dotDequant
		for i := range mm.rows {
			if cap(mm.rows[i]) < w.Cols {
				mm.rows[i] = make([]float32, w.Cols)
			}
		}
	case w.Type == quant.F32:
		t.kind = dotSIMD
		t.act, t.actStride = f32Bytes(t.x), 4*w.Cols
	default:
		t.kind = dotSIMD
		if !mm.quantize(w, x, n) {
			return
		}
	}
	grain := 0
	if t.kind == dotSIMD {
		grain = max(rowGrain, t.rows/(4*mm.pool.Threads())/rowGrain*rowGrain)
	}
	mm.pool.Parallel(t.rows, grain, t)
}

// quantize converts the n rows of x to the activation type of w into
// mm.act, in parallel over tokens for a batch; false when it failed.
func (mm *MatMul) quantize(w Matrix, x []float32, n int) bool {
	t := &mm.task
	vt := quant.VecDotType(w.Type)
	ab, err := quant.RowBytes(vt, w.Cols)
	if err != nil {
		mm.fail(w, err)
		return false
	}
	if cap(mm.act) < n*ab {
		mm.act = make([]byte, n*ab)
	}
	t.act, t.actStride = mm.act[:n*ab], ab
	mm.quant = quantizeTask{mm: mm, w: w, vt: vt, x: x, act: t.act, stride: ab}
	grain := 0
	if n < 8 {
		grain = n // one chunk: waking a worker costs more than the work
	}
	mm.pool.Parallel(n, grain, &mm.quant)
	return mm.Err() == nil
}

func (mm *MatMul) fail(w Matrix, err error) {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	if mm.err == nil {
		mm.err = fmt.Errorf("cpu: %s matmul %d×%d: %w", w.Type, w.Rows, w.Cols, err)
	}
}

// f32Bytes views f32 values as their little-endian bytes.
func f32Bytes(x []float32) []byte {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 4*len(x))
}

type dotKind int

const (
	dotF32 dotKind = iota
	dotDequant
	dotSIMD
)

// quantizeTask converts activation rows [lo, hi) to the weights' partner
// type.
type quantizeTask struct {
	mm     *MatMul
	w      Matrix
	vt     quant.Type
	x      []float32
	act    []byte
	stride int
}

func (q *quantizeTask) Run(worker, lo, hi int) {
	k := q.w.Cols
	for i := lo; i < hi; i++ {
		if err := simd.QuantizeActivation(q.vt, q.x[i*k:(i+1)*k], q.act[i*q.stride:(i+1)*q.stride]); err != nil {
			q.mm.fail(q.w, err)
			return
		}
	}
}

// part is one product of a matmulTask; its rows are items [first,
// first+w.Rows) of the task.
type part struct {
	w     Matrix
	out   []float32
	first int
}

type matmulTask struct {
	mm        *MatMul
	kind      dotKind
	parts     [maxProducts]part
	np, rows  int
	x         []float32
	n         int
	act       []byte
	actStride int
}

// Run computes the output rows that items [lo, hi) stand for, for every
// token, one product at a time.
func (t *matmulTask) Run(worker, lo, hi int) {
	for i := range t.parts[:t.np] {
		p := &t.parts[i]
		a, b := max(lo, p.first)-p.first, min(hi, p.first+p.w.Rows)-p.first
		if a < b {
			t.runPart(worker, p, a, b)
		}
	}
}

// runPart computes rows [lo, hi) of one product. The SIMD path hands the
// whole row range to one kernel call, which tiles it so each weight byte
// is read from memory once for all tokens.
func (t *matmulTask) runPart(worker int, p *part, lo, hi int) {
	k, m := p.w.Cols, p.w.Rows
	if t.kind == dotSIMD {
		w := p.w.Data[lo*p.w.Stride : hi*p.w.Stride]
		if err := simd.MatMul(p.w.Type, k, w, p.w.Stride, hi-lo, t.act, t.actStride, t.n, p.out[lo:], m); err != nil {
			t.mm.fail(p.w, err)
		}
		return
	}
	for r := lo; r < hi; r++ {
		row := p.w.Row(r)
		switch t.kind {
		case dotF32:
			wf := f32View(row)
			for i := 0; i < t.n; i++ {
				p.out[i*m+r] = Dot(wf, t.x[i*k:])
			}
		case dotDequant:
			wf := t.mm.rows[worker][:k]
			if err := quant.Dequantize(p.w.Type, row, wf); err != nil {
				t.mm.fail(p.w, err)
				return
			}
			for i := 0; i < t.n; i++ {
				p.out[i*m+r] = Dot(wf, t.x[i*k:])
			}
		}
	}
}
