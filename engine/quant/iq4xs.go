package quant

import "encoding/binary"

// IQ4_XS (256 elements, 136 bytes): d f16 @0, scales_h u16 @2, scales_l[4]
// @4, qs[128] @8. Sub-block b (32 elements) has the 6-bit scale
// ls = low nibble of scales_l[b/2] (b even) or high nibble (b odd), plus
// bits 2b..2b+1 of scales_h as bits 4..5; x = d·(ls−32)·K[code], with the
// IQ4_NL codebook K and IQ4_NL's nibble order inside each sub-block.

const iq4_XSBytes = 136

// iq4XSScale returns ls − 32 for sub-block b.
func iq4XSScale(x *[iq4_XSBytes]byte, b int) int32 {
	h := binary.LittleEndian.Uint16(x[2:])
	ls := int32(x[4+b/2]>>(4*(b%2)))&0xf | int32((h>>(2*b))&3)<<4
	return ls - 32
}

func dequantIQ4_XS(src []byte, dst []float32) {
	for i := 0; i < len(dst)/qkK; i++ {
		x := (*[iq4_XSBytes]byte)(src[i*iq4_XSBytes:])
		y := (*[qkK]float32)(dst[i*qkK:])
		d := f16At(x[0:])
		for b := 0; b < 8; b++ {
			dl := float32(d * float32(iq4XSScale(x, b)))
			qs := (*[16]byte)(x[8+16*b:])
			out := (*[32]float32)(y[32*b:])
			for j := 0; j < 16; j++ {
				out[j] = dl * float32(iq4nlValues[qs[j]&0xf])
				out[j+16] = dl * float32(iq4nlValues[qs[j]>>4])
			}
		}
	}
}

func vecDotIQ4_XS(n int, w, act []byte) float32 {
	var sum float32
	for i := 0; i < n/qkK; i++ {
		x := (*[iq4_XSBytes]byte)(w[i*iq4_XSBytes:])
		y := (*[q8_KBytes]byte)(act[i*q8_KBytes:])
		q8 := (*[qkK]byte)(y[4:])
		d4d8 := float32(f16At(x[0:]) * q8KScale(y))
		for b := 0; b < 8; b++ {
			qs := (*[16]byte)(x[8+16*b:])
			a := (*[32]byte)(q8[32*b:])
			var s0, s1 int32
			for j := 0; j < 16; j++ {
				s0 += int32(int8(a[j])) * int32(iq4nlValues[qs[j]&0xf])
				s1 += int32(int8(a[j+16])) * int32(iq4nlValues[qs[j]>>4])
			}
			dl := float32(d4d8 * float32(iq4XSScale(x, b)))
			sum += float32(dl * float32(s0+s1))
		}
	}
	return sum
}
