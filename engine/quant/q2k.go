package quant

// Q2_K (256 elements, 84 bytes): scales[16] @0 (low nibble scale, high
// nibble min, one byte per 16 elements), qs[64] @16 (2-bit codes), d f16
// @80, dmin f16 @82. Element 128h+32j+l (l < 32) is bits 2j..2j+1 of
// qs[32h+l] with scale byte 8h+2j+l/16: x = d·sc·q − dmin·m.

const q2_KBytes = 84

func dequantQ2_K(src []byte, dst []float32) {
	for i := 0; i < len(dst)/qkK; i++ {
		b := (*[q2_KBytes]byte)(src[i*q2_KBytes:])
		y := (*[qkK]float32)(dst[i*qkK:])
		d, dmin := f16At(b[80:]), f16At(b[82:])
		for h := 0; h < 2; h++ {
			q := b[16+32*h : 16+32*h+32]
			for j := 0; j < 4; j++ {
				shift := 2 * j
				for p := 0; p < 2; p++ {
					sc := b[8*h+2*j+p]
					dl := float32(d * float32(sc&0xf))
					ml := float32(dmin * float32(sc>>4))
					out := y[128*h+32*j+16*p : 128*h+32*j+16*p+16]
					for l := range out {
						out[l] = float32(dl*float32((q[16*p+l]>>shift)&3)) - ml
					}
				}
			}
		}
	}
}

func vecDotQ2_K(n int, w, act []byte) float32 {
	var sum float32
	for i := 0; i < n/qkK; i++ {
		x := (*[q2_KBytes]byte)(w[i*q2_KBytes:])
		y := (*[q8_KBytes]byte)(act[i*q8_KBytes:])
		q8 := (*[qkK]byte)(y[4:])
		var summs int32
		for g := 0; g < 16; g++ {
			summs += q8KBsum(y, g) * int32(x[g]>>4)
		}
		da := q8KScale(y)
		dall := float32(da * f16At(x[80:]))
		dmin := float32(da * f16At(x[82:]))
		var isum int32
		for h := 0; h < 2; h++ {
			q2 := (*[32]byte)(x[16+32*h:])
			for j := 0; j < 4; j++ {
				shift := 2 * j
				a := (*[32]byte)(q8[128*h+32*j:])
				var s0, s1 int32
				for l := 0; l < 16; l++ {
					s0 += int32(int8(a[l])) * int32((q2[l]>>shift)&3)
					s1 += int32(int8(a[16+l])) * int32((q2[16+l]>>shift)&3)
				}
				isum += int32(x[8*h+2*j]&0xf)*s0 + int32(x[8*h+2*j+1]&0xf)*s1
			}
		}
		sum += float32(float32(dall*float32(isum)) - float32(dmin*float32(summs)))
	}
	return sum
}
