package quant

import "math"

// Q8_0 (32 elements, 34 bytes): d f16 @0, qs[32] int8 @2; x = d·q.
// Q8_1 (32 elements, 36 bytes): d f16 @0, s f16 @2, qs[32] int8 @4, where
// s = d·Σq lets Q4_1/Q5_1 dot products add their offset cheaply.

const (
	q8_0Bytes = 34
	q8_1Bytes = 36
)

func dequantQ8_0(src []byte, dst []float32) {
	for i := 0; i < len(dst)/32; i++ {
		b := (*[q8_0Bytes]byte)(src[i*q8_0Bytes:])
		y := (*[32]float32)(dst[i*32:])
		d := f16At(b[0:])
		for j := 0; j < 32; j++ {
			y[j] = float32(int8(b[2+j])) * d
		}
	}
}

// blockAbsMax returns max|x| over one block, as the SIMD max reductions do.
func blockAbsMax(x []float32) float32 {
	var amax float32
	for _, v := range x {
		if a := float32(math.Abs(float64(v))); a > amax {
			amax = a
		}
	}
	return amax
}

// quantizeQ8_0 is llama.cpp's x86 activation quantizer: d = amax/127 stored
// as f16, q = round-half-even(x·(127/amax)).
func quantizeQ8_0(src []float32, dst []byte) {
	for i := 0; i < len(src)/32; i++ {
		x := (*[32]float32)(src[i*32:])
		b := (*[q8_0Bytes]byte)(dst[i*q8_0Bytes:])
		amax := blockAbsMax(x[:])
		putF16(b[0:], amax/127)
		var id float32
		if amax != 0 {
			id = 127 / amax
		}
		for j := 0; j < 32; j++ {
			b[2+j] = byte(int8(nearestInt(float32(x[j] * id))))
		}
	}
}

// quantizeQ8_0Ref is ggml's reference quantizer (used by llama-quantize):
// q = round-half-away(x·(1/d)) with d = amax/127.
func quantizeQ8_0Ref(src []float32, dst []byte) {
	for i := 0; i < len(src)/32; i++ {
		x := (*[32]float32)(src[i*32:])
		b := (*[q8_0Bytes]byte)(dst[i*q8_0Bytes:])
		d := blockAbsMax(x[:]) / 127
		putF16(b[0:], d)
		var id float32
		if d != 0 {
			id = 1 / d
		}
		for j := 0; j < 32; j++ {
			b[2+j] = byte(int8(math.Round(float64(float32(x[j] * id)))))
		}
	}
}

func vecDotQ8_0(n int, w, act []byte) float32 {
	var sum float32
	for i := 0; i < n/32; i++ {
		x := (*[q8_0Bytes]byte)(w[i*q8_0Bytes:])
		y := (*[q8_0Bytes]byte)(act[i*q8_0Bytes:])
		var s int32
		for j := 2; j < q8_0Bytes; j++ {
			s += int32(int8(x[j])) * int32(int8(y[j]))
		}
		sum += float32(float32(s) * float32(f16At(x[0:])*f16At(y[0:])))
	}
	return sum
}

func dequantQ8_1(src []byte, dst []float32) {
	for i := 0; i < len(dst)/32; i++ {
		b := (*[q8_1Bytes]byte)(src[i*q8_1Bytes:])
		y := (*[32]float32)(dst[i*32:])
		d := f16At(b[0:])
		for j := 0; j < 32; j++ {
			y[j] = float32(int8(b[4+j])) * d
		}
	}
}

// quantizeQ8_1 is llama.cpp's x86 activation quantizer for Q8_1: as Q8_0,
// plus s = f16(d·Σq) with the unrounded d.
func quantizeQ8_1(src []float32, dst []byte) {
	for i := 0; i < len(src)/32; i++ {
		x := (*[32]float32)(src[i*32:])
		b := (*[q8_1Bytes]byte)(dst[i*q8_1Bytes:])
		amax := blockAbsMax(x[:])
		d := amax / 127
		putF16(b[0:], d)
		var id float32
		if amax != 0 {
			id = 127 / amax
		}
		var sum int32
		for j := 0; j < 32; j++ {
			q := nearestInt(float32(x[j] * id))
			sum += q
			b[4+j] = byte(int8(q))
		}
		putF16(b[2:], d*float32(sum))
	}
}
