package quant

// Q6_K (256 elements, 210 bytes): ql[128] @0 (low 4 bits), qh[64] @128
// (high 2 bits), scales[16] int8 @192 (one per 16 elements), d f16 @208.
// In half h, byte t < 32 of ql[64h..], ql[64h+32..] and qh[32h..] carry
// elements 128h+t, +32, +64 and +96; x = d·scale·(q − 32).

const q6_KBytes = 210

// q6KValues expands the 256 signed 6-bit codes (q − 32) of a Q6_K block.
func q6KValues(b *[q6_KBytes]byte, a *[qkK]int8) {
	for h := 0; h < 2; h++ {
		ql := (*[64]byte)(b[64*h:])
		qh := (*[32]byte)(b[128+32*h:])
		out := (*[128]int8)(a[128*h:])
		for t := 0; t < 32; t++ {
			out[t] = int8(ql[t]&0xf|(qh[t]&3)<<4) - 32
			out[t+32] = int8(ql[t+32]&0xf|((qh[t]>>2)&3)<<4) - 32
			out[t+64] = int8(ql[t]>>4|((qh[t]>>4)&3)<<4) - 32
			out[t+96] = int8(ql[t+32]>>4|((qh[t]>>6)&3)<<4) - 32
		}
	}
}

func dequantQ6_K(src []byte, dst []float32) {
	var a [qkK]int8
	for i := 0; i < len(dst)/qkK; i++ {
		b := (*[q6_KBytes]byte)(src[i*q6_KBytes:])
		y := (*[qkK]float32)(dst[i*qkK:])
		d := f16At(b[208:])
		q6KValues(b, &a)
		for g := 0; g < 16; g++ {
			ds := float32(d * float32(int8(b[192+g])))
			for l := 16 * g; l < 16*g+16; l++ {
				y[l] = ds * float32(a[l])
			}
		}
	}
}

func vecDotQ6_K(n int, w, act []byte) float32 {
	var a [qkK]int8
	var sums [8]float32
	for i := 0; i < n/qkK; i++ {
		x := (*[q6_KBytes]byte)(w[i*q6_KBytes:])
		y := (*[q8_KBytes]byte)(act[i*q8_KBytes:])
		q6KValues(x, &a)
		var scale [16]int32
		for g := range scale {
			scale[g] = int32(int8(x[192+g]))
		}
		lanes := laneSums(&a, (*[qkK]byte)(y[4:]), &scale)
		addLanes(&sums, float32(f16At(x[208:])*q8KScale(y)), &lanes)
	}
	var sum float32
	for _, s := range sums {
		sum += s
	}
	return sum
}
