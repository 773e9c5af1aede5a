package quant

import (
	"encoding/binary"
	"math"
)

// The 32-element formats. Byte j of qs holds element j in its low nibble
// and element j+16 in its high nibble; Q5 formats keep the fifth bits in a
// 32-bit mask qh (bit j for element j).

const (
	q4_0Bytes   = 18 // d f16, qs[16]
	q4_1Bytes   = 20 // d f16, m f16, qs[16]
	q5_0Bytes   = 22 // d f16, qh u32, qs[16]
	q5_1Bytes   = 24 // d f16, m f16, qh u32, qs[16]
	iq4_nlBytes = 18 // d f16, qs[16]
)

// iq4nlValues is the IQ4_NL / IQ4_XS non-linear codebook.
var iq4nlValues = [16]int8{-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113}

func dequantQ4_0(src []byte, dst []float32) {
	for i := 0; i < len(dst)/32; i++ {
		b := (*[q4_0Bytes]byte)(src[i*q4_0Bytes:])
		y := (*[32]float32)(dst[i*32:])
		d := f16At(b[0:])
		for j := 0; j < 16; j++ {
			y[j] = float32(int32(b[2+j]&0xf)-8) * d
			y[j+16] = float32(int32(b[2+j]>>4)-8) * d
		}
	}
}

// quantizeQ4_0 is ggml's reference Q4_0 quantizer (what llama-quantize
// writes without an importance matrix): d = −max/8 from the value of
// largest magnitude, which therefore maps exactly to −8.
func quantizeQ4_0(src []float32, dst []byte) {
	for i := 0; i < len(src)/32; i++ {
		x := (*[32]float32)(src[i*32:])
		b := (*[q4_0Bytes]byte)(dst[i*q4_0Bytes:])
		var amax, max float32
		for _, v := range x {
			a := v
			if a < 0 {
				a = -a
			}
			if amax < a {
				amax, max = a, v
			}
		}
		d := max / -8
		var id float32
		if d != 0 {
			id = 1 / d
		}
		putF16(b[0:], d)
		for j := 0; j < 16; j++ {
			lo := min(15, int8(float32(float32(x[j]*id)+8.5)))
			hi := min(15, int8(float32(float32(x[j+16]*id)+8.5)))
			b[2+j] = byte(lo) | byte(hi)<<4
		}
	}
}

// blockMinMax returns the smallest and largest of x.
func blockMinMax(x []float32) (lo, hi float32) {
	lo, hi = x[0], x[0]
	for _, v := range x[1:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// quantizeQ4_1 follows ggml's reference Q4_1 quantizer: the block's range
// [min, max] in 15 steps, codes rounded half up.
func quantizeQ4_1(src []float32, dst []byte) {
	for i := 0; i < len(src)/32; i++ {
		x := (*[32]float32)(src[i*32:])
		b := (*[q4_1Bytes]byte)(dst[i*q4_1Bytes:])
		lo, hi := blockMinMax(x[:])
		d := (hi - lo) / 15
		var id float32
		if d != 0 {
			id = 1 / d
		}
		putF16(b[0:], d)
		putF16(b[2:], lo)
		for j := 0; j < 16; j++ {
			q0 := min(15, int8(float32(float32((x[j]-lo)*id)+0.5)))
			q1 := min(15, int8(float32(float32((x[j+16]-lo)*id)+0.5)))
			b[4+j] = byte(q0) | byte(q1)<<4
		}
	}
}

// quantizeQ5_0 follows ggml's reference Q5_0 quantizer: as Q4_0 with
// d = −max/16 and codes 0..31.
func quantizeQ5_0(src []float32, dst []byte) {
	for i := 0; i < len(src)/32; i++ {
		x := (*[32]float32)(src[i*32:])
		b := (*[q5_0Bytes]byte)(dst[i*q5_0Bytes:])
		var amax, max float32
		for _, v := range x {
			if a := float32(math.Abs(float64(v))); amax < a {
				amax, max = a, v
			}
		}
		d := max / -16
		var id float32
		if d != 0 {
			id = 1 / d
		}
		putF16(b[0:], d)
		var qh uint32
		for j := 0; j < 16; j++ {
			q0 := min(31, int8(float32(float32(x[j]*id)+16.5)))
			q1 := min(31, int8(float32(float32(x[j+16]*id)+16.5)))
			b[6+j] = byte(q0)&0xf | byte(q1)<<4
			qh |= uint32(q0>>4)<<j | uint32(q1>>4)<<(j+16)
		}
		binary.LittleEndian.PutUint32(b[2:], qh)
	}
}

// quantizeQ5_1 follows ggml's reference Q5_1 quantizer: the block's range
// in 31 steps, codes rounded half up.
func quantizeQ5_1(src []float32, dst []byte) {
	for i := 0; i < len(src)/32; i++ {
		x := (*[32]float32)(src[i*32:])
		b := (*[q5_1Bytes]byte)(dst[i*q5_1Bytes:])
		lo, hi := blockMinMax(x[:])
		d := (hi - lo) / 31
		var id float32
		if d != 0 {
			id = 1 / d
		}
		putF16(b[0:], d)
		putF16(b[2:], lo)
		var qh uint32
		for j := 0; j < 16; j++ {
			q0 := min(31, int8(float32(float32((x[j]-lo)*id)+0.5)))
			q1 := min(31, int8(float32(float32((x[j+16]-lo)*id)+0.5)))
			b[8+j] = byte(q0)&0xf | byte(q1)<<4
			qh |= uint32(q0>>4)<<j | uint32(q1>>4)<<(j+16)
		}
		binary.LittleEndian.PutUint32(b[4:], qh)
	}
}

func vecDotQ4_0(n int, w, act []byte) float32 {
	var sum float32
	for i := 0; i < n/32; i++ {
		x := (*[q4_0Bytes]byte)(w[i*q4_0Bytes:])
		y := (*[q8_0Bytes]byte)(act[i*q8_0Bytes:])
		var s0, s1 int32
		for j := 0; j < 16; j++ {
			s0 += (int32(x[2+j]&0xf) - 8) * int32(int8(y[2+j]))
			s1 += (int32(x[2+j]>>4) - 8) * int32(int8(y[18+j]))
		}
		sum += float32(float32(float32(s0+s1)*f16At(x[0:])) * f16At(y[0:]))
	}
	return sum
}

func dequantQ4_1(src []byte, dst []float32) {
	for i := 0; i < len(dst)/32; i++ {
		b := (*[q4_1Bytes]byte)(src[i*q4_1Bytes:])
		y := (*[32]float32)(dst[i*32:])
		d, m := f16At(b[0:]), f16At(b[2:])
		for j := 0; j < 16; j++ {
			y[j] = float32(float32(b[4+j]&0xf)*d) + m
			y[j+16] = float32(float32(b[4+j]>>4)*d) + m
		}
	}
}

func vecDotQ4_1(n int, w, act []byte) float32 {
	var sum float32
	for i := 0; i < n/32; i++ {
		x := (*[q4_1Bytes]byte)(w[i*q4_1Bytes:])
		y := (*[q8_1Bytes]byte)(act[i*q8_1Bytes:])
		var s0, s1 int32
		for j := 0; j < 16; j++ {
			s0 += int32(x[4+j]&0xf) * int32(int8(y[4+j]))
			s1 += int32(x[4+j]>>4) * int32(int8(y[20+j]))
		}
		dd := float32(f16At(x[0:]) * f16At(y[0:]))
		sum += float32(float32(dd*float32(s0+s1)) + float32(f16At(x[2:])*f16At(y[2:])))
	}
	return sum
}

// q5Values returns the two 5-bit codes held by byte j of a Q5 block.
func q5Values(qs byte, qh uint32, j int) (lo, hi int32) {
	lo = int32(qs&0xf) | int32((qh>>j)&1)<<4
	hi = int32(qs>>4) | int32((qh>>(j+16))&1)<<4
	return lo, hi
}

func dequantQ5_0(src []byte, dst []float32) {
	for i := 0; i < len(dst)/32; i++ {
		b := (*[q5_0Bytes]byte)(src[i*q5_0Bytes:])
		y := (*[32]float32)(dst[i*32:])
		d := f16At(b[0:])
		qh := binary.LittleEndian.Uint32(b[2:])
		for j := 0; j < 16; j++ {
			lo, hi := q5Values(b[6+j], qh, j)
			y[j] = float32(lo-16) * d
			y[j+16] = float32(hi-16) * d
		}
	}
}

func vecDotQ5_0(n int, w, act []byte) float32 {
	var sum float32
	for i := 0; i < n/32; i++ {
		x := (*[q5_0Bytes]byte)(w[i*q5_0Bytes:])
		y := (*[q8_0Bytes]byte)(act[i*q8_0Bytes:])
		qh := binary.LittleEndian.Uint32(x[2:])
		var s0, s1 int32
		for j := 0; j < 16; j++ {
			lo, hi := q5Values(x[6+j], qh, j)
			s0 += (lo - 16) * int32(int8(y[2+j]))
			s1 += (hi - 16) * int32(int8(y[18+j]))
		}
		sum += float32(float32(f16At(x[0:])*f16At(y[0:])) * float32(s0+s1))
	}
	return sum
}

func dequantQ5_1(src []byte, dst []float32) {
	for i := 0; i < len(dst)/32; i++ {
		b := (*[q5_1Bytes]byte)(src[i*q5_1Bytes:])
		y := (*[32]float32)(dst[i*32:])
		d, m := f16At(b[0:]), f16At(b[2:])
		qh := binary.LittleEndian.Uint32(b[4:])
		for j := 0; j < 16; j++ {
			lo, hi := q5Values(b[8+j], qh, j)
			y[j] = float32(float32(lo)*d) + m
			y[j+16] = float32(float32(hi)*d) + m
		}
	}
}

func vecDotQ5_1(n int, w, act []byte) float32 {
	var sum float32
	for i := 0; i < n/32; i++ {
		x := (*[q5_1Bytes]byte)(w[i*q5_1Bytes:])
		y := (*[q8_1Bytes]byte)(act[i*q8_1Bytes:])
		qh := binary.LittleEndian.Uint32(x[4:])
		var s0, s1 int32
		for j := 0; j < 16; j++ {
			lo, hi := q5Values(x[8+j], qh, j)
			s0 += lo * int32(int8(y[4+j]))
			s1 += hi * int32(int8(y[20+j]))
		}
		dd := float32(f16At(x[0:]) * f16At(y[0:]))
		sum += float32(float32(dd*float32(s0+s1)) + float32(f16At(x[2:])*f16At(y[2:])))
	}
	return sum
}

func dequantIQ4_NL(src []byte, dst []float32) {
	for i := 0; i < len(dst)/32; i++ {
		b := (*[iq4_nlBytes]byte)(src[i*iq4_nlBytes:])
		y := (*[32]float32)(dst[i*32:])
		d := f16At(b[0:])
		for j := 0; j < 16; j++ {
			y[j] = d * float32(iq4nlValues[b[2+j]&0xf])
			y[j+16] = d * float32(iq4nlValues[b[2+j]>>4])
		}
	}
}

func vecDotIQ4_NL(n int, w, act []byte) float32 {
	var sum float32
	for i := 0; i < n/32; i++ {
		x := (*[iq4_nlBytes]byte)(w[i*iq4_nlBytes:])
		y := (*[q8_0Bytes]byte)(act[i*q8_0Bytes:])
		var s0, s1 int32
		for j := 0; j < 16; j++ {
			s0 += int32(int8(y[2+j])) * int32(iq4nlValues[x[2+j]&0xf])
			s1 += int32(int8(y[18+j])) * int32(iq4nlValues[x[2+j]>>4])
		}
		d := float32(f16At(y[0:]) * f16At(x[0:]))
		sum += float32(d * float32(s0+s1))
	}
	return sum
}
