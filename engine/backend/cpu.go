package backend

import (
	"fmt"

	"hearth/engine/cpu"
	"hearth/engine/simd"
)

// CPUBackend is the host backend: the reference every GPU backend is
// compared with, and the fallback when none opens.
type CPUBackend struct{}

// Device returns the CPU.
func (CPUBackend) Device() Device { return Device{Kind: CPU, Name: "CPU"} }

// Kernels returns the CPU kernels.
func (CPUBackend) Kernels() Kernels { return CPUKernels{} }

// Close does nothing.
func (CPUBackend) Close() error { return nil }

// CPUKernels implements Kernels with engine/cpu and engine/simd, the code
// the CPU forward pass runs, in its f32-activation form (LoadOptions.
// ReferenceMath): the GPU kernels multiply dequantized weights by f32
// activations too.
type CPUKernels struct{}

// MatMul multiplies w by the n rows of x, one dequantized row at a time.
func (CPUKernels) MatMul(w cpu.Matrix, x []float32, n int, y []float32) error {
	if len(x) < n*w.Cols || len(y) < n*w.Rows {
		return fmt.Errorf("backend: matmul %d×%d by %d rows: x has %d values, y %d", w.Rows, w.Cols, n, len(x), len(y))
	}
	row := make([]float32, w.Cols)
	for r := 0; r < w.Rows; r++ {
		if err := w.DequantRow(r, row); err != nil {
			return fmt.Errorf("backend: matmul row %d: %w", r, err)
		}
		for t := 0; t < n; t++ {
			y[t*w.Rows+r] = cpu.Dot(row, x[t*w.Cols:(t+1)*w.Cols])
		}
	}
	return nil
}

// Dequant writes every row of w as f32.
func (CPUKernels) Dequant(w cpu.Matrix, y []float32) error {
	if len(y) < w.Rows*w.Cols {
		return fmt.Errorf("backend: dequant of %d×%d into %d values", w.Rows, w.Cols, len(y))
	}
	for r := 0; r < w.Rows; r++ {
		if err := w.DequantRow(r, y[r*w.Cols:]); err != nil {
			return fmt.Errorf("backend: dequant row %d: %w", r, err)
		}
	}
	return nil
}

// RMSNorm normalizes the rows of x in place.
func (CPUKernels) RMSNorm(x, weight []float32, n int, eps float32) error {
	if n <= 0 || len(x)%n != 0 || (weight != nil && len(weight) < n) {
		return fmt.Errorf("backend: rmsnorm of %d values in rows of %d (weight %d)", len(x), n, len(weight))
	}
	for i := 0; i < len(x); i += n {
		cpu.RMSNorm(x[i:i+n], x[i:i+n], eps)
		if weight != nil {
			cpu.Mul(x[i:i+n], weight)
		}
	}
	return nil
}

// Softmax replaces each row of x with its softmax.
func (CPUKernels) Softmax(x []float32, n int) error {
	if n <= 0 || len(x)%n != 0 {
		return fmt.Errorf("backend: softmax of %d values in rows of %d", len(x), n)
	}
	for i := 0; i < len(x); i += n {
		cpu.SoftmaxInPlace(x[i : i+n])
	}
	return nil
}

// SwiGLU writes silu(gate)·up into gate.
func (CPUKernels) SwiGLU(gate, up []float32) error { return simd.SwiGLU(gate, up) }

// RoPE rotates the pairs of every head of every token row.
func (CPUKernels) RoPE(x []float32, width, headDim int, cos, sin []float32) error {
	half := headDim / 2
	if width <= 0 || headDim <= 0 || width%headDim != 0 || len(x)%width != 0 || len(cos) < len(x)/width*half || len(sin) < len(cos) {
		return fmt.Errorf("backend: rope of %d values, rows of %d, heads of %d, %d angles", len(x), width, headDim, len(cos))
	}
	for t := 0; t < len(x)/width; t++ {
		cs, sn := cos[t*half:(t+1)*half], sin[t*half:(t+1)*half]
		row := x[t*width : (t+1)*width]
		for h := 0; h < width; h += headDim {
			z := row[h : h+headDim]
			for i := 0; i < half; i++ {
				u, w := z[2*i], z[2*i+1]
				z[2*i] = u*cs[i] - w*sn[i]
				z[2*i+1] = u*sn[i] + w*cs[i]
			}
		}
	}
	return nil
}

// TopK picks the k largest router logits of each row and their sigmoids.
func (CPUKernels) TopK(logits []float32, nx, k int, ids []int32, weights []float32) error {
	if nx <= 0 || k <= 0 || k > nx || len(logits)%nx != 0 || len(ids) < len(logits)/nx*k || len(weights) < len(ids) {
		return fmt.Errorf("backend: top-%d of %d logits in rows of %d", k, len(logits), nx)
	}
	for t := 0; t < len(logits)/nx; t++ {
		l := logits[t*nx : (t+1)*nx]
		sel := ids[t*k : (t+1)*k]
		for j := range sel {
			best := -1
			for i, v := range l {
				if !chosen(sel[:j], i) && (best < 0 || v > l[best]) {
					best = i
				}
			}
			sel[j] = int32(best)
			weights[t*k+j] = cpu.Sigmoid(l[best])
		}
	}
	return nil
}

func chosen(sel []int32, i int) bool {
	for _, s := range sel {
		if int(s) == i {
			return true
		}
	}
	return false
}

// Attend runs simd.AttendF16, the CPU path's attention kernel, per token
// and KV head.
func (CPUKernels) Attend(a Attention) error {
	if err := a.check(); err != nil {
		return err
	}
	qd, kd, group := a.Heads*a.HeadDim, a.HeadsKV*a.HeadDim, a.Heads/a.HeadsKV
	scratch := make([]float32, simd.AttendScratch(group, a.HeadDim))
	for t := 0; t < a.N; t++ {
		start := a.Visible(t)
		for g := 0; g < a.HeadsKV; g++ {
			q0 := t*qd + g*group*a.HeadDim
			first := start*kd + g*a.HeadDim
			if err := simd.AttendF16(a.Q[q0:], 1, group, a.HeadDim, qd, a.K[first:], a.V[first:], kd, a.Pos+t-start+1, a.Scale, scratch, a.Out[q0:]); err != nil {
				return fmt.Errorf("backend: attend token %d head %d: %w", t, g, err)
			}
		}
	}
	return nil
}

// check validates an Attention's shape against its slices.
func (a Attention) check() error {
	qd, kd := a.Heads*a.HeadDim, a.HeadsKV*a.HeadDim
	switch {
	case a.N < 1 || a.HeadsKV < 1 || a.HeadDim < 1 || a.Heads%a.HeadsKV != 0 || a.Pos < 0:
		return fmt.Errorf("backend: attend: bad shape %d tokens, %d/%d heads of %d", a.N, a.Heads, a.HeadsKV, a.HeadDim)
	case len(a.Q) < a.N*qd || len(a.Out) < a.N*qd:
		return fmt.Errorf("backend: attend: %d query, %d output values for %d tokens of %d", len(a.Q), len(a.Out), a.N, qd)
	case len(a.K) < (a.Pos+a.N)*kd || len(a.V) < (a.Pos+a.N)*kd:
		return fmt.Errorf("backend: attend: cache of %d/%d values for %d positions of %d", len(a.K), len(a.V), a.Pos+a.N, kd)
	}
	return nil
}

// Check reports whether a's slices hold its shape (for GPU backends, before
// they copy anything).
func (a Attention) Check() error { return a.check() }
