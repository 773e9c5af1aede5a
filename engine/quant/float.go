package quant

import (
	"encoding/binary"
	"math"
)

// Plain float rows. The dot products multiply in float32 and sum in
// float64, as ggml's scalar ggml_vec_dot_f32/f16/bf16 do; for F16 and BF16
// the products are exact.

func dequantF32(src []byte, dst []float32) {
	src = src[:4*len(dst)]
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
	}
}

func quantizeF32(src []float32, dst []byte) {
	dst = dst[:4*len(src)]
	for i, v := range src {
		binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(v))
	}
}

func vecDotF32(n int, w, act []byte) float32 {
	w, act = w[:4*n], act[:4*n]
	var sum float64
	for i := 0; i < 4*n; i += 4 {
		x := math.Float32frombits(binary.LittleEndian.Uint32(w[i:]))
		y := math.Float32frombits(binary.LittleEndian.Uint32(act[i:]))
		sum += float64(float32(x * y))
	}
	return float32(sum)
}

func dequantF16(src []byte, dst []float32) {
	src = src[:2*len(dst)]
	for i := range dst {
		dst[i] = F16ToF32(binary.LittleEndian.Uint16(src[2*i:]))
	}
}

func quantizeF16(src []float32, dst []byte) {
	dst = dst[:2*len(src)]
	for i, v := range src {
		binary.LittleEndian.PutUint16(dst[2*i:], F32ToF16(v))
	}
}

func vecDotF16(n int, w, act []byte) float32 {
	w, act = w[:2*n], act[:2*n]
	var sum float64
	for i := 0; i < 2*n; i += 2 {
		x := F16ToF32(binary.LittleEndian.Uint16(w[i:]))
		y := F16ToF32(binary.LittleEndian.Uint16(act[i:]))
		sum += float64(float32(x * y))
	}
	return float32(sum)
}

func dequantBF16(src []byte, dst []float32) {
	src = src[:2*len(dst)]
	for i := range dst {
		dst[i] = BF16ToF32(binary.LittleEndian.Uint16(src[2*i:]))
	}
}

func quantizeBF16(src []float32, dst []byte) {
	dst = dst[:2*len(src)]
	for i, v := range src {
		binary.LittleEndian.PutUint16(dst[2*i:], F32ToBF16(v))
	}
}

func vecDotBF16(n int, w, act []byte) float32 {
	w, act = w[:2*n], act[:2*n]
	var sum float64
	for i := 0; i < 2*n; i += 2 {
		x := BF16ToF32(binary.LittleEndian.Uint16(w[i:]))
		y := BF16ToF32(binary.LittleEndian.Uint16(act[i:]))
		sum += float64(float32(x * y))
	}
	return float32(sum)
}

// f16At reads the little-endian binary16 at b[0:2] as float32.
func f16At(b []byte) float32 {
	return F16ToF32(uint16(b[0]) | uint16(b[1])<<8)
}

// putF16 stores f rounded to binary16 at b[0:2].
func putF16(b []byte, f float32) {
	h := F32ToF16(f)
	b[0], b[1] = byte(h), byte(h>>8)
}

// nearestInt rounds v to the nearest integer, ties to even, with ggml's
// float trick (valid for |v| < 2^22): adding 1.5·2^23 leaves the integer in
// the low mantissa bits.
func nearestInt(v float32) int32 {
	f := v + 12582912
	return int32(math.Float32bits(f)&0x7fffff) - 0x400000
}
