package simd

import (
	"fmt"
	"math"

	"hearth/engine/quant"
)

// MatVec sets out[r] to the dot product of row r of w with act for r <
// rows. Each row holds n elements of type t and starts rowBytes after the
// previous one; act holds n elements already converted to
// quant.VecDotType(t), by QuantizeActivation for the quantized types.
//
// It fails, writing NaN to out where it can, if the sizes do not fit; no
// call allocates.
func MatVec(t quant.Type, n int, w []byte, rowBytes int, rows int, act []byte, out []float32) error {
	return MatMul(t, n, w, rowBytes, rows, act, 0, 1, out, 0)
}

// MatMul is the prefill form of MatVec: for every token tok < nTok, whose
// activation row starts at acts[tok*actStride], it sets
// out[tok*outStride+r] for all r < rows. The weights are read in tiles
// that stay in cache while all tokens pass over them.
func MatMul(t quant.Type, n int, w []byte, rowBytes int, rows int, acts []byte, actStride int, nTok int, out []float32, outStride int) error {
	if err := checkMatMul(t, n, w, rowBytes, rows, acts, actStride, nTok, out, outStride); err != nil {
		for i := range out {
			out[i] = float32(math.NaN())
		}
		return err
	}
	if rows == 0 || nTok == 0 {
		return nil
	}
	if kernelMatMul(dispatch.kernel(), t, n, w, rowBytes, rows, acts, actStride, nTok, out, outStride) {
		return nil
	}
	for tok := 0; tok < nTok; tok++ {
		a := acts[tok*actStride:]
		o := out[tok*outStride:]
		for r := 0; r < rows; r++ {
			o[r] = quant.VecDot(t, n, w[r*rowBytes:], a)
		}
	}
	return nil
}

func checkMatMul(t quant.Type, n int, w []byte, rowBytes int, rows int, acts []byte, actStride int, nTok int, out []float32, outStride int) error {
	if !quant.Supported(t) {
		return fmt.Errorf("simd: matmul: unsupported weight type %s", t)
	}
	wb, err := quant.RowBytes(t, n)
	if err != nil {
		return fmt.Errorf("simd: matmul: %w", err)
	}
	ab, err := quant.RowBytes(quant.VecDotType(t), n)
	if err != nil {
		return fmt.Errorf("simd: matmul: activations: %w", err)
	}
	switch {
	case rows < 0 || nTok < 0 || n > math.MaxInt32 || rows > math.MaxInt32 || nTok > math.MaxInt32:
		return fmt.Errorf("simd: matmul: bad shape n=%d rows=%d tokens=%d", n, rows, nTok)
	case rows == 0 || nTok == 0:
		return nil
	case rowBytes < wb && rows > 1:
		return fmt.Errorf("simd: matmul: %s row stride %d < row size %d", t, rowBytes, wb)
	case !fits(len(w), rows, rowBytes, wb):
		return fmt.Errorf("simd: matmul: %d weight bytes for %d rows of %d", len(w), rows, wb)
	case nTok > 1 && actStride < ab:
		return fmt.Errorf("simd: matmul: activation stride %d < row size %d", actStride, ab)
	case !fits(len(acts), nTok, actStride, ab):
		return fmt.Errorf("simd: matmul: %d activation bytes for %d tokens of %d", len(acts), nTok, ab)
	case nTok > 1 && outStride < rows:
		return fmt.Errorf("simd: matmul: output stride %d < rows %d", outStride, rows)
	case !fits(len(out), nTok, outStride, rows):
		return fmt.Errorf("simd: matmul: output of %d for %d tokens × %d rows", len(out), nTok, rows)
	}
	return nil
}

// fits reports whether count items of size, stride apart, lie within
// length, i.e. (count−1)·stride + size ≤ length, without overflowing.
func fits(length, count, stride, size int) bool {
	if size > length {
		return false
	}
	return count <= 1 || stride <= (length-size)/(count-1)
}

// QuantizeActivation converts src to the activation type t (Q8_0, Q8_1,
// Q8_K, or F16/BF16/F32 through package quant), bit for bit as
// quant.Quantize does. dst must be exactly the size of len(src) elements.
func QuantizeActivation(t quant.Type, src []float32, dst []byte) error {
	switch t {
	case quant.Q8_0, quant.Q8_1, quant.Q8_K, quant.F16, quant.BF16, quant.F32:
	default:
		return fmt.Errorf("simd: quantize activation: %s is not an activation type", t)
	}
	want, err := quant.RowBytes(t, len(src))
	if err != nil {
		return fmt.Errorf("simd: quantize activation: %w", err)
	}
	if len(dst) != want {
		return fmt.Errorf("simd: quantize activation: %s: %d bytes for %d elements, want %d", t, len(dst), len(src), want)
	}
	if len(src) <= math.MaxInt32 && kernelQuantize(dispatch.kernel(), t, src, dst) {
		return nil
	}
	if err := quant.Quantize(t, src, dst); err != nil {
		return fmt.Errorf("simd: quantize activation: %w", err)
	}
	return nil
}
