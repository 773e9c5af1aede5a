package quant

import "math"

// F16ToF32 widens an IEEE binary16 value to float32. The conversion is exact.
func F16ToF32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	em := uint32(h&0x7fff) << 13 // exponent and mantissa in float32 position
	if em >= 0x7c00<<13 {
		return math.Float32frombits(sign | em | 0x7f800000) // Inf, NaN
	}
	// Read with the float32 bias (127) instead of 15, the value is 2^-112
	// times too small; the exact power-of-two product rebiases it, and
	// turns binary16 subnormals into normal float32s.
	return math.Float32frombits(math.Float32bits(math.Float32frombits(em)*0x1p112) | sign)
}

// F32ToF16 rounds a float32 to the nearest IEEE binary16 value, ties to
// even, as the F16C instruction ggml uses on x86 does: overflow gives ±Inf,
// tiny values become subnormals or ±0, and NaN stays a quiet NaN.
func F32ToF16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff {
		if mant != 0 {
			return sign | 0x7e00 | uint16(mant>>13)
		}
		return sign | 0x7c00
	}
	e := exp - 112 // rebias 127 → 15
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e > 0 {
		q := uint32(e)<<10 | mant>>13
		rem := mant & 0x1fff
		if rem > 0x1000 || (rem == 0x1000 && q&1 == 1) {
			q++ // a carry into the exponent is the correct result, up to Inf
		}
		return sign | uint16(q)
	}
	if e < -10 || exp == 0 {
		return sign // below half the smallest subnormal
	}
	// Subnormal result: value = m·2^(exp−150), in units of 2^−24.
	m := mant | 0x800000
	shift := uint32(14 - e)
	q := m >> shift
	rem := m & (1<<shift - 1)
	half := uint32(1) << (shift - 1)
	if rem > half || (rem == half && q&1 == 1) {
		q++
	}
	return sign | uint16(q)
}

// BF16ToF32 widens a bfloat16 value to float32 (exact).
func BF16ToF32(b uint16) float32 {
	return math.Float32frombits(uint32(b) << 16)
}

// F32ToBF16 rounds a float32 to bfloat16 the way ggml does: round to
// nearest, ties to even, and NaN forced to a quiet NaN keeping its sign and
// high payload bits.
func F32ToBF16(f float32) uint16 {
	u := math.Float32bits(f)
	if u&0x7fffffff > 0x7f800000 {
		return uint16(u>>16) | 0x40
	}
	return uint16((u + 0x7fff + (u>>16)&1) >> 16)
}
