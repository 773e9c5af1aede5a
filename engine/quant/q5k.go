package quant

// Q5_K (256 elements, 176 bytes): as Q4_K (d @0, dmin @2, scales[12] @4)
// plus qh[32] @16 and qs[128] @48. Element 64g+t adds 16 when bit 2g of
// qh[t] is set, element 64g+32+t when bit 2g+1 is.

const q5_KBytes = 176

// q5KValues expands the 256 5-bit codes of a Q5_K block.
func q5KValues(b *[q5_KBytes]byte, a *[qkK]int8) {
	qh := (*[32]byte)(b[16:])
	for g := 0; g < 4; g++ {
		q := (*[32]byte)(b[48+32*g:])
		lo := (*[32]int8)(a[64*g:])
		hi := (*[32]int8)(a[64*g+32:])
		for t := 0; t < 32; t++ {
			lo[t] = int8(q[t]&0xf | ((qh[t]>>(2*g))&1)<<4)
			hi[t] = int8(q[t]>>4 | ((qh[t]>>(2*g+1))&1)<<4)
		}
	}
}

func dequantQ5_K(src []byte, dst []float32) {
	var a [qkK]int8
	for i := 0; i < len(dst)/qkK; i++ {
		b := (*[q5_KBytes]byte)(src[i*q5_KBytes:])
		y := (*[qkK]float32)(dst[i*qkK:])
		d, dmin := f16At(b[0:]), f16At(b[2:])
		s := (*[12]byte)(b[4:])
		q5KValues(b, &a)
		for k := 0; k < 8; k++ {
			sc, m := kScaleMin(s, k)
			dl, ml := float32(d*float32(sc)), float32(dmin*float32(m))
			for t := 32 * k; t < 32*k+32; t++ {
				y[t] = float32(dl*float32(a[t])) - ml
			}
		}
	}
}

func vecDotQ5_K(n int, w, act []byte) float32 {
	var a [qkK]int8
	var sums [8]float32
	var sum float32
	for i := 0; i < n/qkK; i++ {
		x := (*[q5_KBytes]byte)(w[i*q5_KBytes:])
		y := (*[q8_KBytes]byte)(act[i*q8_KBytes:])
		q5KValues(x, &a)
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
