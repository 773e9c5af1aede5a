package imageprep

import "math"

// The two resamplers below are llama.cpp's (mtmd image code) reproduced
// operation by operation so that tiles match its output byte for byte:
// neither smooths when shrinking. Explicit float32 conversions around
// products keep the compiler from fusing them into FMAs, which would change
// the rounding.

// resizeBilinear stretches src to w×h with corner-aligned sampling: output
// x samples source x·(W−1)/(w−1), interpolating in float32 along x then y
// and truncating to a byte.
func resizeBilinear(src *RGB, w, h int) *RGB {
	if src.Width == w && src.Height == h {
		return &RGB{Width: w, Height: h, Pix: append([]byte(nil), src.Pix...)}
	}
	dst := NewRGB(w, h)
	var xr, yr float32
	if w > 1 {
		xr = float32(src.Width-1) / float32(w-1)
	}
	if h > 1 {
		yr = float32(src.Height-1) / float32(h-1)
	}
	for y := 0; y < h; y++ {
		py := float32(float32(y) * yr)
		y0 := min(int(py), src.Height-1)
		y1 := min(y0+1, src.Height-1)
		yf := py - float32(y0)
		for x := 0; x < w; x++ {
			px := float32(float32(x) * xr)
			x0 := min(int(px), src.Width-1)
			x1 := min(x0+1, src.Width-1)
			xf := px - float32(x0)
			p00, p10 := 3*(y0*src.Width+x0), 3*(y0*src.Width+x1)
			p01, p11 := 3*(y1*src.Width+x0), 3*(y1*src.Width+x1)
			for c := 0; c < 3; c++ {
				a, b := float32(src.Pix[p00+c]), float32(src.Pix[p10+c])
				top := a + float32((b-a)*xf)
				a, b = float32(src.Pix[p01+c]), float32(src.Pix[p11+c])
				bot := a + float32((b-a)*xf)
				dst.Pix[3*(y*w+x)+c] = byte(top + float32((bot-top)*yf))
			}
		}
	}
	return dst
}

// resizeBicubic resizes src to w×h: source position j·W/w (no half-pixel
// offset), edge-clamped 4×4 neighbourhood, a cubic along x for each of four
// rows then one along y, rounded half away from zero and clamped to 0–255.
func resizeBicubic(src *RGB, w, h int) *RGB {
	dst := NewRGB(w, h)
	tx := float32(src.Width) / float32(w)
	ty := float32(src.Height) / float32(h)
	clampX := func(v int) int { return max(0, min(v, src.Width-1)) }
	clampY := func(v int) int { return max(0, min(v, src.Height-1)) }
	var col [4]float32
	for i := 0; i < h; i++ {
		fy := float32(float32(i) * ty)
		y := int(fy)
		dy := fy - float32(y)
		for j := 0; j < w; j++ {
			fx := float32(float32(j) * tx)
			x := int(fx)
			dx := fx - float32(x)
			xs := [4]int{clampX(x - 1), clampX(x), clampX(x + 1), clampX(x + 2)}
			for c := 0; c < 3; c++ {
				for jj := 0; jj < 4; jj++ {
					row := 3 * clampY(y-1+jj) * src.Width
					p := func(k int) float32 { return float32(src.Pix[row+3*xs[k]+c]) }
					col[jj] = cubic(p(0), p(1), p(2), p(3), dx)
				}
				v := cubic(col[0], col[1], col[2], col[3], dy)
				dst.Pix[3*(i*w+j)+c] = byte(max(0, min(255, roundHalfAway(v))))
			}
		}
	}
	return dst
}

// cubic evaluates llama.cpp's cubic through pm1, p0, p1, p2 at t ∈ [0, 1):
// the coefficients are computed in double and stored as float, the
// polynomial evaluated in float32.
func cubic(pm1, p0, p1, p2, t float32) float32 {
	d0, d2, d3 := float64(pm1-p0), float64(p1-p0), float64(p2-p0)
	a1 := float32(float64(-1.0/3*d0) + d2 - float64(1.0/6*d3))
	a2 := float32(float64(0.5*d0) + float64(0.5*d2))
	a3 := float32(float64(-1.0/6*d0) - float64(0.5*d2) + float64(1.0/6*d3))
	return p0 + float32(a1*t) + float32(float32(a2*t)*t) + float32(float32(float32(a3*t)*t)*t)
}

// roundHalfAway rounds like C's round(): halves away from zero.
func roundHalfAway(v float32) int {
	return int(math.Round(float64(v)))
}
