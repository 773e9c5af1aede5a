package quant

import "math"

// Weight quantizers for Q4_K, Q5_K and Q6_K. They are not llama-quantize's
// search, but they do the same kind of thing: per sub-block, try a few
// scales around the range-fitting one, refit each by least squares and keep
// the one with the smallest squared error; then quantize the sub-block
// scales against one super-block scale and re-round every value against
// the scales actually stored.

// scaleCandidates are the code values the largest-magnitude element is
// mapped to when searching a sub-block scale (fractions of the code range).
var scaleCandidates = [...]float32{1, 0.975, 0.95, 0.925, 0.9, 0.875, 0.85, 0.8}

// fitSymmetric finds s minimising Σ(x − s·L)² with L = clamp(round(x/s),
// −nmax, nmax−1), as used by Q6_K (nmax 32).
func fitSymmetric(x []float32, nmax int32) float32 {
	var amax, max float32
	for _, v := range x {
		if a := float32(math.Abs(float64(v))); a > amax {
			amax, max = a, v
		}
	}
	if amax == 0 {
		return 0
	}
	best, bestErr := float32(0), math.Inf(1)
	for _, c := range scaleCandidates {
		s := max / (-float32(nmax) * c)
		var sxl, sll float64
		for _, v := range x {
			l := float64(roundClamp(float32(v/s), -nmax, nmax-1))
			sxl += float64(v) * l
			sll += l * l
		}
		if sll == 0 {
			continue
		}
		fit := float32(sxl / sll)
		var e float64
		for _, v := range x {
			l := roundClamp(float32(v/fit), -nmax, nmax-1)
			r := float64(v) - float64(fit)*float64(l)
			e += r * r
		}
		if e < bestErr {
			best, bestErr = fit, e
		}
	}
	return best
}

// fitAffine finds s ≥ 0 and m ≥ 0 minimising Σ(x − (s·L − m))² with
// L = clamp(round((x+m)/s), 0, nmax), as used by Q4_K (nmax 15).
func fitAffine(x []float32, nmax int32) (s, m float32) {
	lo, hi := float32(0), x[0]
	for _, v := range x {
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi <= lo {
		return 0, -lo
	}
	bestErr := math.Inf(1)
	n := float64(len(x))
	for _, c := range scaleCandidates {
		is := float32(nmax) * c / (hi - lo)
		var sl, sll, sx, sxl float64
		for _, v := range x {
			l := float64(roundClamp(float32((v-lo)*is), 0, nmax))
			sl += l
			sll += l * l
			sx += float64(v)
			sxl += float64(v) * l
		}
		det := n*sll - sl*sl
		if det <= 0 {
			continue
		}
		fs := (n*sxl - sl*sx) / det
		fb := (sll*sx - sl*sxl) / det
		if fb > 0 {
			fb, fs = 0, sxl/sll
		}
		if fs <= 0 {
			continue
		}
		cs, cm := float32(fs), float32(-fb)
		var e float64
		for _, v := range x {
			l := roundClamp(float32((v+cm)/cs), 0, nmax)
			r := float64(v) - (float64(cs)*float64(l) - float64(cm))
			e += r * r
		}
		if e < bestErr {
			s, m, bestErr = cs, cm, e
		}
	}
	if math.IsInf(bestErr, 1) {
		return (hi - lo) / float32(nmax), -lo
	}
	return s, m
}

// affineError is Σ(x − (dl·L − ml))² with L = clamp(round((x+ml)/dl)).
func affineError(x []float32, dl, ml float32, nmax int32) float64 {
	var e float64
	for _, v := range x {
		var l int32
		if dl != 0 {
			l = roundClamp(float32((v+ml)/dl), 0, nmax)
		}
		r := float64(v) - (float64(float32(dl*float32(l))) - float64(ml))
		e += r * r
	}
	return e
}

// roundClamp rounds v half to even and clamps it to [lo, hi]; it clamps
// first so that huge values and NaN cannot wrap.
func roundClamp(v float32, lo, hi int32) int32 {
	switch {
	case !(v >= float32(lo)):
		return lo
	case v > float32(hi):
		return hi
	}
	return nearestInt(v)
}

// kAffineBlock quantizes one Q4_K/Q5_K super-block: it writes d and dmin
// (f16) to hdr[0:4] and the packed 6-bit scales and mins to s, and returns
// the codes 0..nmax against the stored values.
func kAffineBlock(x *[qkK]float32, nmax int32, hdr []byte, s *[12]byte) [qkK]byte {
	var sub, mins [8]float32
	var smax, mmax float32
	for k := 0; k < 8; k++ {
		sub[k], mins[k] = fitAffine(x[32*k:32*k+32], nmax)
		smax, mmax = max(smax, sub[k]), max(mmax, mins[k])
	}
	putF16(hdr[0:], smax/63)
	putF16(hdr[2:], mmax/63)
	d, dmin := f16At(hdr[0:]), f16At(hdr[2:])
	var sc, mq [8]byte
	for k := 0; k < 8; k++ {
		var s0, m0 int32
		if d > 0 {
			s0 = roundClamp(float32(sub[k]/d), 0, 63)
		}
		if dmin > 0 {
			m0 = roundClamp(float32(mins[k]/dmin), 0, 63)
		}
		// Rounding the scale and the min separately is not the best pair:
		// try the neighbours too and keep the smallest error.
		best := math.Inf(1)
		for ds := int32(-1); ds <= 1; ds++ {
			for dm := int32(-1); dm <= 1; dm++ {
				cs, cm := s0+ds, m0+dm
				if cs < 0 || cs > 63 || cm < 0 || cm > 63 {
					continue
				}
				if e := affineError(x[32*k:32*k+32], float32(d*float32(cs)), float32(dmin*float32(cm)), nmax); e < best {
					best, sc[k], mq[k] = e, byte(cs), byte(cm)
				}
			}
		}
	}
	for k := 0; k < 4; k++ {
		s[k] = sc[k] | (sc[k+4]>>4)<<6
		s[k+4] = mq[k] | (mq[k+4]>>4)<<6
		s[k+8] = sc[k+4]&0xf | (mq[k+4]&0xf)<<4
	}
	var l [qkK]byte
	for k := 0; k < 8; k++ {
		dl := float32(d * float32(sc[k]))
		ml := float32(dmin * float32(mq[k]))
		if dl == 0 {
			continue
		}
		for t := 32 * k; t < 32*k+32; t++ {
			l[t] = byte(roundClamp(float32((x[t]+ml)/dl), 0, nmax))
		}
	}
	return l
}

func quantizeQ4_K(src []float32, dst []byte) {
	for i := 0; i < len(src)/qkK; i++ {
		b := (*[q4_KBytes]byte)(dst[i*q4_KBytes:])
		l := kAffineBlock((*[qkK]float32)(src[i*qkK:]), 15, b[0:4], (*[12]byte)(b[4:]))
		for g := 0; g < 4; g++ {
			for t := 0; t < 32; t++ {
				b[16+32*g+t] = l[64*g+t] | l[64*g+32+t]<<4
			}
		}
	}
}

func quantizeQ5_K(src []float32, dst []byte) {
	for i := 0; i < len(src)/qkK; i++ {
		b := (*[q5_KBytes]byte)(dst[i*q5_KBytes:])
		l := kAffineBlock((*[qkK]float32)(src[i*qkK:]), 31, b[0:4], (*[12]byte)(b[4:]))
		qh := (*[32]byte)(b[16:])
		clear(qh[:])
		for g := 0; g < 4; g++ {
			for t := 0; t < 32; t++ {
				lo, hi := l[64*g+t], l[64*g+32+t]
				b[48+32*g+t] = lo&0xf | (hi&0xf)<<4
				qh[t] |= (lo>>4)<<(2*g) | (hi>>4)<<(2*g+1)
			}
		}
	}
}

func quantizeQ6_K(src []float32, dst []byte) {
	for i := 0; i < len(src)/qkK; i++ {
		x := (*[qkK]float32)(src[i*qkK:])
		b := (*[q6_KBytes]byte)(dst[i*q6_KBytes:])
		var sub [16]float32
		var amax, smax float32
		for g := 0; g < 16; g++ {
			sub[g] = fitSymmetric(x[16*g:16*g+16], 32)
			if a := float32(math.Abs(float64(sub[g]))); a > amax {
				amax, smax = a, sub[g]
			}
		}
		putF16(b[208:], smax/-128)
		d := f16At(b[208:])
		var u [qkK]byte
		for g := 0; g < 16; g++ {
			var sc int32
			if d != 0 {
				sc = roundClamp(float32(sub[g]/d), -128, 127)
			}
			b[192+g] = byte(int8(sc))
			dl := float32(d * float32(sc))
			for t := 16 * g; t < 16*g+16; t++ {
				q := int32(0)
				if dl != 0 {
					q = roundClamp(float32(x[t]/dl), -32, 31)
				}
				u[t] = byte(q + 32)
			}
		}
		for h := 0; h < 2; h++ {
			ul := (*[128]byte)(u[128*h:])
			for t := 0; t < 32; t++ {
				b[64*h+t] = ul[t]&0xf | (ul[t+64]&0xf)<<4
				b[64*h+32+t] = ul[t+32]&0xf | (ul[t+96]&0xf)<<4
				b[128+32*h+t] = ul[t]>>4 | (ul[t+32]>>4)<<2 | (ul[t+64]>>4)<<4 | (ul[t+96]>>4)<<6
			}
		}
	}
}
