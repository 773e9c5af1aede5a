package quant

// Q3_K (256 elements, 110 bytes): hmask[32] @0, qs[64] @32, scales[12] @96,
// d f16 @108. Sixteen signed 6-bit scales, one per 16 elements. Element
// 128h+32j+l (l < 32) has low bits 2j..2j+1 of qs[32h+l] and high bit 4h+j
// of hmask[l]; q = low − (high ? 0 : 4), x = d·S·q.

const q3_KBytes = 110

// q3KScales unpacks the sixteen 6-bit scales, already minus 32.
func q3KScales(s *[12]byte) [16]int32 {
	var out [16]int32
	for k := 0; k < 16; k++ {
		var lo4 byte
		if k < 8 {
			lo4 = s[k] & 0xf
		} else {
			lo4 = s[k-8] >> 4
		}
		hi2 := (s[8+k%4] >> (2 * (k / 4))) & 3
		out[k] = int32(lo4|hi2<<4) - 32
	}
	return out
}

// q3KValues expands the 256 signed 3-bit codes of a Q3_K block.
func q3KValues(b *[q3_KBytes]byte, a *[qkK]int8) {
	hm := (*[32]byte)(b[0:])
	for h := 0; h < 2; h++ {
		q := (*[32]byte)(b[32+32*h:])
		for j := 0; j < 4; j++ {
			shift := 2 * j
			m := byte(1) << (4*h + j)
			out := (*[32]int8)(a[128*h+32*j:])
			for l := 0; l < 32; l++ {
				v := int8((q[l] >> shift) & 3)
				if hm[l]&m == 0 {
					v -= 4
				}
				out[l] = v
			}
		}
	}
}

func dequantQ3_K(src []byte, dst []float32) {
	var a [qkK]int8
	for i := 0; i < len(dst)/qkK; i++ {
		b := (*[q3_KBytes]byte)(src[i*q3_KBytes:])
		y := (*[qkK]float32)(dst[i*qkK:])
		d := f16At(b[108:])
		sc := q3KScales((*[12]byte)(b[96:]))
		q3KValues(b, &a)
		for g := 0; g < 16; g++ {
			dl := float32(d * float32(sc[g]))
			for l := 16 * g; l < 16*g+16; l++ {
				y[l] = dl * float32(a[l])
			}
		}
	}
}

func vecDotQ3_K(n int, w, act []byte) float32 {
	var a [qkK]int8
	var sums [8]float32
	for i := 0; i < n/qkK; i++ {
		x := (*[q3_KBytes]byte)(w[i*q3_KBytes:])
		y := (*[q8_KBytes]byte)(act[i*q8_KBytes:])
		q3KValues(x, &a)
		sc := q3KScales((*[12]byte)(x[96:]))
		lanes := laneSums(&a, (*[qkK]byte)(y[4:]), &sc)
		addLanes(&sums, float32(f16At(x[108:])*q8KScale(y)), &lanes)
	}
	var sum float32
	for _, s := range sums {
		sum += s
	}
	return sum
}
