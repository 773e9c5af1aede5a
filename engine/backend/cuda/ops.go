package cuda

import (
	"fmt"
	"unsafe"

	"hearth/engine/backend"
	"hearth/engine/cpu"
)

// launcher is what the kernels need from a device: memory, copies and
// launches of NT-thread blocks with one argument struct. The CUDA driver
// implements it (driver_linux.go); so does the host emulator the tests build
// from the same kernel source, which is how the code below is exercised on
// machines without a GPU.
type launcher interface {
	alloc(n int) (uint64, error)
	free(p uint64)
	upload(dst uint64, src unsafe.Pointer, n int) error
	download(dst unsafe.Pointer, src uint64, n int) error
	launch(kernel string, gx, gy int, args unsafe.Pointer) error
}

// Kernels implements backend.Kernels on a device: each call copies its
// inputs in, runs one kernel and copies the results back. That is the shape
// the CPU-vs-GPU comparison needs; a forward pass would keep weights and
// activations resident instead.
type Kernels struct {
	dev launcher
}

var _ backend.Kernels = (*Kernels)(nil)

// buffers tracks a call's device allocations so every exit frees them.
type buffers struct {
	dev  launcher
	ptrs []uint64
}

func (b *buffers) free() {
	for _, p := range b.ptrs {
		b.dev.free(p)
	}
}

// in allocates n bytes and copies src (which may be nil: zeroed scratch is
// not needed by any kernel, so it is left as allocated).
func (b *buffers) in(src unsafe.Pointer, n int) (uint64, error) {
	p, err := b.dev.alloc(n)
	if err != nil {
		return 0, err
	}
	b.ptrs = append(b.ptrs, p)
	if src != nil && n > 0 {
		if err := b.dev.upload(p, src, n); err != nil {
			return 0, err
		}
	}
	return p, nil
}

func f32s(x []float32) (unsafe.Pointer, int) {
	if len(x) == 0 {
		return nil, 0
	}
	return unsafe.Pointer(&x[0]), 4 * len(x)
}

func (b *buffers) inF32(x []float32) (uint64, error) {
	p, n := f32s(x)
	return b.in(p, n)
}

func (b *buffers) outF32(dst []float32, src uint64) error {
	p, n := f32s(dst)
	return b.dev.download(p, src, n)
}

// MatMul runs mm_<format>: y[t·Rows + r] = Σ_c w[r][c]·x[t·Cols + c].
func (k *Kernels) MatMul(w cpu.Matrix, x []float32, n int, y []float32) error {
	name, err := kernelName("mm", w.Type)
	if err != nil {
		return err
	}
	if n < 1 || len(x) < n*w.Cols || len(y) < n*w.Rows || w.Cols%16 != 0 {
		return fmt.Errorf("cuda: matmul %d×%d by %d rows: x has %d values, y %d", w.Rows, w.Cols, n, len(x), len(y))
	}
	b := &buffers{dev: k.dev}
	defer b.free()
	dw, err := b.in(unsafe.Pointer(&w.Data[0]), len(w.Data))
	if err != nil {
		return err
	}
	dx, err := b.inF32(x[:n*w.Cols])
	if err != nil {
		return err
	}
	dy, err := b.in(nil, 4*n*w.Rows)
	if err != nil {
		return err
	}
	a := matArgs{W: dw, X: dx, Y: dy, Stride: int64(w.Stride), Cols: int32(w.Cols), Rows: int32(w.Rows), N: int32(n), XStride: int32(w.Cols), YStride: int32(w.Rows)}
	if err := k.dev.launch(name, w.Rows, (n+TileTokens-1)/TileTokens, unsafe.Pointer(&a)); err != nil {
		return err
	}
	return b.outF32(y[:n*w.Rows], dy)
}

// Dequant runs dq_<format>, writing every row of w as f32.
func (k *Kernels) Dequant(w cpu.Matrix, y []float32) error {
	name, err := kernelName("dq", w.Type)
	if err != nil {
		return err
	}
	if len(y) < w.Rows*w.Cols || w.Cols%16 != 0 {
		return fmt.Errorf("cuda: dequant of %d×%d into %d values", w.Rows, w.Cols, len(y))
	}
	b := &buffers{dev: k.dev}
	defer b.free()
	dw, err := b.in(unsafe.Pointer(&w.Data[0]), len(w.Data))
	if err != nil {
		return err
	}
	dy, err := b.in(nil, 4*w.Rows*w.Cols)
	if err != nil {
		return err
	}
	a := matArgs{W: dw, Y: dy, Stride: int64(w.Stride), Cols: int32(w.Cols), Rows: int32(w.Rows)}
	if err := k.dev.launch(name, w.Rows, 1, unsafe.Pointer(&a)); err != nil {
		return err
	}
	return b.outF32(y[:w.Rows*w.Cols], dy)
}

// rowKernel runs one of the in-place row kernels on x with optional inputs.
func (k *Kernels) rowKernel(name string, x []float32, gx int, a rowArgs, w, aux, aux2 []float32) error {
	b := &buffers{dev: k.dev}
	defer b.free()
	var err error
	if a.X, err = b.inF32(x); err != nil {
		return err
	}
	for _, in := range []struct {
		dst *uint64
		src []float32
	}{{&a.W, w}, {&a.Aux, aux}, {&a.Aux2, aux2}} {
		if in.src != nil {
			if *in.dst, err = b.inF32(in.src); err != nil {
				return err
			}
		}
	}
	if err := k.dev.launch(name, gx, 1, unsafe.Pointer(&a)); err != nil {
		return err
	}
	return b.outF32(x, a.X)
}

// RMSNorm runs rmsnorm over the rows of x.
func (k *Kernels) RMSNorm(x, weight []float32, n int, eps float32) error {
	if n <= 0 || len(x) == 0 || len(x)%n != 0 || (weight != nil && len(weight) < n) {
		return fmt.Errorf("cuda: rmsnorm of %d values in rows of %d", len(x), n)
	}
	if weight != nil {
		weight = weight[:n]
	}
	rows := len(x) / n
	return k.rowKernel("rmsnorm", x, rows, rowArgs{N: int32(n), Rows: int32(rows), Eps: eps}, weight, nil, nil)
}

// Softmax runs softmax over the rows of x.
func (k *Kernels) Softmax(x []float32, n int) error {
	if n <= 0 || len(x) == 0 || len(x)%n != 0 {
		return fmt.Errorf("cuda: softmax of %d values in rows of %d", len(x), n)
	}
	rows := len(x) / n
	return k.rowKernel("softmax", x, rows, rowArgs{N: int32(n), Rows: int32(rows)}, nil, nil, nil)
}

// SwiGLU runs swiglu: gate ← silu(gate)·up.
func (k *Kernels) SwiGLU(gate, up []float32) error {
	if len(up) < len(gate) || len(gate) == 0 {
		return fmt.Errorf("cuda: swiglu: %d up values for %d gate values", len(up), len(gate))
	}
	blocks := (len(gate) + BlockThreads - 1) / BlockThreads
	return k.rowKernel("swiglu", gate, blocks, rowArgs{N: int32(len(gate)), Rows: 1}, nil, up[:len(gate)], nil)
}

// RoPE runs rope over the token rows of x.
func (k *Kernels) RoPE(x []float32, width, headDim int, cos, sin []float32) error {
	half := headDim / 2
	if width <= 0 || headDim <= 0 || width%headDim != 0 || len(x) == 0 || len(x)%width != 0 {
		return fmt.Errorf("cuda: rope of %d values, rows of %d, heads of %d", len(x), width, headDim)
	}
	rows := len(x) / width
	if len(cos) < rows*half || len(sin) < rows*half {
		return fmt.Errorf("cuda: rope: %d/%d angles for %d tokens of %d pairs", len(cos), len(sin), rows, half)
	}
	blocks := (rows*width/2 + BlockThreads - 1) / BlockThreads
	return k.rowKernel("rope", x, blocks, rowArgs{N: int32(width), Rows: int32(rows), HD: int32(headDim)}, nil, cos[:rows*half], sin[:rows*half])
}

// TopK runs topk: the k largest router logits per row and their sigmoids.
func (k *Kernels) TopK(logits []float32, nx, kk int, ids []int32, weights []float32) error {
	if nx <= 0 || kk <= 0 || kk > nx || len(logits) == 0 || len(logits)%nx != 0 {
		return fmt.Errorf("cuda: top-%d of %d logits in rows of %d", kk, len(logits), nx)
	}
	rows := len(logits) / nx
	if len(ids) < rows*kk || len(weights) < rows*kk {
		return fmt.Errorf("cuda: top-%d of %d rows into %d ids, %d weights", kk, rows, len(ids), len(weights))
	}
	b := &buffers{dev: k.dev}
	defer b.free()
	dl, err := b.inF32(logits)
	if err != nil {
		return err
	}
	di, err := b.in(nil, 4*rows*kk)
	if err != nil {
		return err
	}
	dw, err := b.in(nil, 4*rows*kk)
	if err != nil {
		return err
	}
	a := topKArgs{Logits: dl, IDs: di, Weights: dw, NX: int32(nx), K: int32(kk), Rows: int32(rows)}
	if err := k.dev.launch("topk", rows, 1, unsafe.Pointer(&a)); err != nil {
		return err
	}
	if err := k.dev.download(unsafe.Pointer(&ids[0]), di, 4*rows*kk); err != nil {
		return err
	}
	return b.outF32(weights[:rows*kk], dw)
}

// Attend runs attend over the f16 cache.
func (k *Kernels) Attend(at backend.Attention) error {
	if err := at.Check(); err != nil {
		return err
	}
	qd, kd := at.Heads*at.HeadDim, at.HeadsKV*at.HeadDim
	ctx := at.Pos + at.N
	b := &buffers{dev: k.dev}
	defer b.free()
	dq, err := b.inF32(at.Q[:at.N*qd])
	if err != nil {
		return err
	}
	dk, err := b.in(unsafe.Pointer(&at.K[0]), 2*ctx*kd)
	if err != nil {
		return err
	}
	dv, err := b.in(unsafe.Pointer(&at.V[0]), 2*ctx*kd)
	if err != nil {
		return err
	}
	do, err := b.in(nil, 4*at.N*qd)
	if err != nil {
		return err
	}
	ds, err := b.in(nil, 4*at.N*at.Heads*ctx)
	if err != nil {
		return err
	}
	a := attnArgs{Q: dq, K: dk, V: dv, Out: do, Scores: ds, N: int32(at.N), Heads: int32(at.Heads), Group: int32(at.Heads / at.HeadsKV),
		HD: int32(at.HeadDim), QD: int32(qd), KD: int32(kd), Pos: int32(at.Pos), Chunk: int32(at.Chunk), Ctx: int32(ctx), Scale: at.Scale}
	if err := k.dev.launch("attend", at.Heads, at.N, unsafe.Pointer(&a)); err != nil {
		return err
	}
	return b.outF32(at.Out[:at.N*qd], do)
}
