package quant

// Q4_K (256 elements, 144 bytes): d f16 @0, dmin f16 @2, scales[12] @4
// (eight 6-bit scales and eight 6-bit mins), qs[128] @16. Bytes
// qs[32g..32g+31] hold elements 64g+t (low nibbles, sub-block 2g) and
// 64g+32+t (high nibbles, sub-block 2g+1); x = d·sc·q − dmin·m.

const q4_KBytes = 144

// kScaleMin unpacks the 6-bit scale and min of sub-block k (0..7) from the
// 12 packed bytes shared by Q4_K and Q5_K.
func kScaleMin(s *[12]byte, k int) (sc, m byte) {
	if k < 4 {
		return s[k] & 63, s[k+4] & 63
	}
	return s[k+4]&0xf | (s[k-4]>>6)<<4, s[k+4]>>4 | (s[k]>>6)<<4
}

// kScales16 returns the sub-block scales repeated per 16 elements, and
// Σ bsums·m for the min term, for a Q4_K/Q5_K block against Q8_K.
func kScales16(s *[12]byte, y *[q8_KBytes]byte) (scale [16]int32, summ int32) {
	for k := 0; k < 8; k++ {
		sc, m := kScaleMin(s, k)
		scale[2*k], scale[2*k+1] = int32(sc), int32(sc)
		summ += int32(m) * (q8KBsum(y, 2*k) + q8KBsum(y, 2*k+1))
	}
	return scale, summ
}

func dequantQ4_K(src []byte, dst []float32) {
	for i := 0; i < len(dst)/qkK; i++ {
		b := (*[q4_KBytes]byte)(src[i*q4_KBytes:])
		y := (*[qkK]float32)(dst[i*qkK:])
		d, dmin := f16At(b[0:]), f16At(b[2:])
		s := (*[12]byte)(b[4:])
		for g := 0; g < 4; g++ {
			q := (*[32]byte)(b[16+32*g:])
			sc1, m1 := kScaleMin(s, 2*g)
			sc2, m2 := kScaleMin(s, 2*g+1)
			d1, dm1 := float32(d*float32(sc1)), float32(dmin*float32(m1))
			d2, dm2 := float32(d*float32(sc2)), float32(dmin*float32(m2))
			lo := (*[32]float32)(y[64*g:])
			hi := (*[32]float32)(y[64*g+32:])
			for t := 0; t < 32; t++ {
				lo[t] = float32(d1*float32(q[t]&0xf)) - dm1
				hi[t] = float32(d2*float32(q[t]>>4)) - dm2
			}
		}
	}
}

func vecDotQ4_K(n int, w, act []byte) float32 {
	var a [qkK]int8
	var sums [8]float32
	var sum float32
	for i := 0; i < n/qkK; i++ {
		x := (*[q4_KBytes]byte)(w[i*q4_KBytes:])
		y := (*[q8_KBytes]byte)(act[i*q8_KBytes:])
		for g := 0; g < 4; g++ {
			q := (*[32]byte)(x[16+32*g:])
			lo := (*[32]int8)(a[64*g:])
			hi := (*[32]int8)(a[64*g+32:])
			for t := 0; t < 32; t++ {
				lo[t] = int8(q[t] & 0xf)
				hi[t] = int8(q[t] >> 4)
			}
		}
		scale, summ := kScales16((*[12]byte)(x[4:]), y)
		lanes := laneSums(&a, (*[qkK]byte)(y[4:]), &scale)
		da := q8KScale(y)
		addLanes(&sums, float32(f16At(x[0:])*da), &lanes)
		sum -= float32(float32(f16At(x[2:])*da) * float32(summ))
	}
	for _, s := range sums {
		sum += s
	}
	return sum
}
