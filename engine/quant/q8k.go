package quant

import (
	"encoding/binary"
	"math"
)

// Q8_K (256 elements, 292 bytes) is the activation partner of the K-quants:
// d f32 @0, qs[256] int8 @4, bsums[16] int16 @260 (sums of each 16 qs).

const (
	qkK       = 256
	q8_KBytes = 292
)

func dequantQ8_K(src []byte, dst []float32) {
	for i := 0; i < len(dst)/qkK; i++ {
		b := (*[q8_KBytes]byte)(src[i*q8_KBytes:])
		y := (*[qkK]float32)(dst[i*qkK:])
		d := math.Float32frombits(binary.LittleEndian.Uint32(b[0:]))
		for j := 0; j < qkK; j++ {
			y[j] = d * float32(int8(b[4+j]))
		}
	}
}

// quantizeQ8_K is ggml's Q8_K quantizer (the same on every CPU): the value
// v of largest magnitude maps to −127 (iscale = −127/v), q is rounded half
// to even and clipped at 127, and d = 1/iscale is kept as f32.
func quantizeQ8_K(src []float32, dst []byte) {
	for i := 0; i < len(src)/qkK; i++ {
		x := (*[qkK]float32)(src[i*qkK:])
		b := (*[q8_KBytes]byte)(dst[i*q8_KBytes:])
		var amax, max float32
		for _, v := range x {
			a := v
			if a < 0 {
				a = -a
			}
			if a > amax {
				amax, max = a, v
			}
		}
		if amax == 0 {
			clear(b[:])
			continue
		}
		iscale := -127 / max
		for j := 0; j < qkK; j++ {
			b[4+j] = byte(int8(min(127, nearestInt(float32(iscale*x[j])))))
		}
		for g := 0; g < 16; g++ {
			var s int32
			for _, q := range b[4+16*g : 4+16*g+16] {
				s += int32(int8(q))
			}
			binary.LittleEndian.PutUint16(b[260+2*g:], uint16(int16(s)))
		}
		binary.LittleEndian.PutUint32(b[0:], math.Float32bits(1/iscale))
	}
}

// q8KScale returns the f32 scale d of a Q8_K block.
func q8KScale(b *[q8_KBytes]byte) float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(b[0:]))
}

// q8KBsum returns bsums[g] of a Q8_K block.
func q8KBsum(b *[q8_KBytes]byte, g int) int32 {
	return int32(int16(binary.LittleEndian.Uint16(b[260+2*g:])))
}

// laneSums returns Σ scale[g]·a[i]·q8[i] split into 8 lanes by i mod 8, the
// integer partials ggml's scalar K-quant kernels keep per block; each 16
// elements share one scale.
func laneSums(a *[qkK]int8, q8 *[qkK]byte, scale *[16]int32) [8]int32 {
	var l0, l1, l2, l3, l4, l5, l6, l7 int32
	for g := 0; g < 16; g++ {
		x := (*[16]int8)(a[16*g:])
		y := (*[16]byte)(q8[16*g:])
		s := scale[g]
		l0 += s * (int32(x[0])*int32(int8(y[0])) + int32(x[8])*int32(int8(y[8])))
		l1 += s * (int32(x[1])*int32(int8(y[1])) + int32(x[9])*int32(int8(y[9])))
		l2 += s * (int32(x[2])*int32(int8(y[2])) + int32(x[10])*int32(int8(y[10])))
		l3 += s * (int32(x[3])*int32(int8(y[3])) + int32(x[11])*int32(int8(y[11])))
		l4 += s * (int32(x[4])*int32(int8(y[4])) + int32(x[12])*int32(int8(y[12])))
		l5 += s * (int32(x[5])*int32(int8(y[5])) + int32(x[13])*int32(int8(y[13])))
		l6 += s * (int32(x[6])*int32(int8(y[6])) + int32(x[14])*int32(int8(y[14])))
		l7 += s * (int32(x[7])*int32(int8(y[7])) + int32(x[15])*int32(int8(y[15])))
	}
	return [8]int32{l0, l1, l2, l3, l4, l5, l6, l7}
}

// addLanes adds d·lanes[l] to the running float lane sums.
func addLanes(sums *[8]float32, d float32, lanes *[8]int32) {
	for l := 0; l < 8; l++ {
		sums[l] += float32(d * float32(lanes[l]))
	}
}
