package cpu

import (
	"math"

	"hearth/engine/simd"
)

// Dot returns the f32 dot product of a and b (len(b) ≥ len(a)). Four
// independent partial sums keep the rounding error close to a pairwise sum,
// which is how ggml's SIMD f32 dot behaves.
func Dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// Axpy adds a·x to y (len(y) ≥ len(x)).
func Axpy(a float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += a * v
	}
}

// RMSNorm writes x / √(mean(x²) + eps) to dst, the sum of squares taken in
// float64 as ggml does. dst may alias x.
func RMSNorm(dst, x []float32, eps float32) {
	var sum float64
	for _, v := range x {
		sum += float64(v * v)
	}
	mean := float32(sum / float64(len(x)))
	scale := 1 / float32(math.Sqrt(float64(mean+eps)))
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = v * scale
	}
}

// Mul multiplies dst element-wise by w (len(w) ≥ len(dst)).
func Mul(dst, w []float32) {
	w = w[:len(dst)]
	for i := range dst {
		dst[i] *= w[i]
	}
}

// Add adds x to dst element-wise.
func Add(dst, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] += x[i]
	}
}

// Scale multiplies every element of dst by s.
func Scale(dst []float32, s float32) {
	for i := range dst {
		dst[i] *= s
	}
}

// expf is e^x rounded once to f32, as a correctly rounded libm expf gives.
func expf(x float32) float32 { return float32(math.Exp(float64(x))) }

// Sigmoid returns 1/(1+e^−z), rounding to f32 after each step as ggml's
// sigmoid does: the router weight scales the experts' input, so a
// last-bit difference can flip an activation's quantization.
func Sigmoid(z float32) float32 {
	d := 1 + expf(-z)
	return 1 / d
}

// SwiGLU writes silu(gate)·up into gate, with silu(x) = x/(1+e^−x) in f32
// steps as ggml computes it, vectorized by package simd (len(up) ≥
// len(gate), which every caller's buffers guarantee).
func SwiGLU(gate, up []float32) {
	_ = simd.SwiGLU(gate, up[:len(gate)])
}

// SoftmaxInPlace replaces x with softmax(x): max subtracted, exponentials in
// f32, their sum in float64, one reciprocal multiply (ggml's order).
func SoftmaxInPlace(x []float32) {
	m := float32(math.Inf(-1))
	for _, v := range x {
		m = max(m, v)
	}
	var sum float64
	for i, v := range x {
		e := float32(math.Exp(float64(v - m)))
		x[i] = e
		sum += float64(e)
	}
	inv := float32(1 / sum)
	for i := range x {
		x[i] *= inv
	}
}

// Argmax returns the index of the largest value, the lowest index on a tie.
func Argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}
