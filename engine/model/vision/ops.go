package vision

import "math"

// dot is a float32 dot product with four accumulators, which shortens the
// dependency chain of the adds about fourfold.
func dot(a, b []float32) float32 {
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
				dst[t*m.out+o] = dot(x[t*m.in:(t+1)*m.in], w) + b
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
