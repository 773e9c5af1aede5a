package vision

import (
	"math"

	"hearth/engine/cpu"
)

// rope2D holds the rotations of Llama 4's 2-D vision RoPE: in every head
// the first half of the dimensions turns with the patch column + 1, the
// second half with the patch row + 1, each half as ordinary RoPE over
// consecutive pairs with base 10000. The class token (position 0 on both
// axes) is not rotated.
type rope2D struct {
	side     int
	pairs    int       // pairs per half-head
	cos, sin []float32 // [(side+1) × pairs], row p is position p
}

func newRope2D(side, headDim int) *rope2D {
	half := headDim / 2
	r := &rope2D{side: side, pairs: half / 2}
	r.cos = make([]float32, (side+1)*r.pairs)
	r.sin = make([]float32, (side+1)*r.pairs)
	for p := 0; p <= side; p++ {
		for i := 0; i < r.pairs; i++ {
			theta := float64(p) * math.Pow(ropeTheta, -2*float64(i)/float64(half))
			r.cos[p*r.pairs+i] = float32(math.Cos(theta))
			r.sin[p*r.pairs+i] = float32(math.Sin(theta))
		}
	}
	return r
}

// apply rotates x ([tokens × heads·headDim]; the last token is the class
// token) in place.
func (r *rope2D) apply(x []float32, tokens, heads, headDim int) {
	patches := r.side * r.side
	for t := 0; t < patches && t < tokens; t++ {
		col, row := t%r.side+1, t/r.side+1
		for h := 0; h < heads; h++ {
			v := x[(t*heads+h)*headDim : (t*heads+h+1)*headDim]
			r.rotate(v[:headDim/2], col)
			r.rotate(v[headDim/2:], row)
		}
	}
}

func (r *rope2D) rotate(v []float32, pos int) {
	c, s := r.cos[pos*r.pairs:(pos+1)*r.pairs], r.sin[pos*r.pairs:(pos+1)*r.pairs]
	for i := range c {
		x0, x1 := v[2*i], v[2*i+1]
		v[2*i] = x0*c[i] - x1*s[i]
		v[2*i+1] = x0*s[i] + x1*c[i]
	}
}

// attention computes full bidirectional multi-head attention: for every
// head and query token, softmax(q·kᵀ/√headDim)·v, written to out
// ([tokens × heads·headDim]).
func attention(out, q, k, v []float32, tokens, heads, headDim int) {
	width := heads * headDim
	scale := float32(1 / math.Sqrt(float64(headDim)))
	parallelFor(heads*tokens, func(lo, hi int) {
		p := make([]float32, tokens)
		for job := lo; job < hi; job++ {
			h, t := job/tokens, job%tokens
			qv := q[t*width+h*headDim : t*width+(h+1)*headDim]
			maxS := float32(math.Inf(-1))
			for j := range p {
				p[j] = cpu.Dot(qv, k[j*width+h*headDim:j*width+(h+1)*headDim]) * scale
				maxS = max(maxS, p[j])
			}
			var sum float64
			for j, s := range p {
				p[j] = float32(math.Exp(float64(s - maxS)))
				sum += float64(p[j])
			}
			o := out[t*width+h*headDim : t*width+(h+1)*headDim]
			clear(o)
			inv := float32(1 / sum)
			for j, pj := range p {
				w := pj * inv
				vj := v[j*width+h*headDim : j*width+(h+1)*headDim]
				for d := range o {
					o[d] += w * vj[d]
				}
			}
		}
	})
}
