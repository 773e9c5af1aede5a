package vision

import (
	"math"

	"hearth/engine/cpu"
)

// matmul sets dst[t·m.out+o] = x[t]·row o of m (+ bias[o] when bias is not
// nil) for the n rows of x (each m.in wide). Output rows are split across
// cores; a quantized weight row is expanded once and used for all n inputs.
func matmul(dst, x []float32, n int, m *matrix, bias []float32) {
	parallelFor(m.out, func(lo, hi int) {
		buf := make([]float32, m.in)
		for o := lo; o < hi; o++ {
			w := m.row(o, buf)
			var b float32
			if bias != nil {
				b = bias[o]
			}
			for t := 0; t < n; t++ {
				dst[t*m.out+o] = cpu.Dot(x[t*m.in:(t+1)*m.in], w) + b
			}
		}
	})
}

// layerNorm normalises each of the n rows of x (width len(nm.w)) in place to
// zero mean and unit variance, then scales and shifts.
func layerNorm(x []float32, n int, nm norm, eps float32) {
	d := len(nm.w)
	for t := 0; t < n; t++ {
		r := x[t*d : (t+1)*d]
		var sum float64
		for _, v := range r {
			sum += float64(v)
		}
		mean := float32(sum / float64(d))
		var sq float64
		for i, v := range r {
			r[i] = v - mean
			sq += float64(r[i]) * float64(r[i])
		}
		scale := float32(1 / math.Sqrt(sq/float64(d)+float64(eps)))
		for i, v := range r {
			r[i] = v*scale*nm.w[i] + nm.b[i]
		}
	}
}

// add sets x[i] += y[i].
func add(x, y []float32) {
	y = y[:len(x)]
	for i := range x {
		x[i] += y[i]
	}
}
