package quant

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
)

// weightTypes are the types the engine computes with, in table order.
var weightTypes = []Type{F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL, IQ4_XS}

// scaleFields lists, per type, the byte offsets of the f16 scale fields in
// a block, and whether each must be non-negative (mins and K-quant super
// scales are; ggml's quantizers only produce those signs).
var scaleFields = map[Type][]struct {
	off      int
	positive bool
}{
	Q4_0: {{0, false}}, Q5_0: {{0, false}}, Q8_0: {{0, false}}, IQ4_NL: {{0, false}},
	Q4_1: {{0, true}, {2, false}}, Q5_1: {{0, true}, {2, false}},
	Q2_K: {{80, true}, {82, true}}, Q3_K: {{108, false}},
	Q4_K: {{0, true}, {2, true}}, Q5_K: {{0, true}, {2, true}},
	Q6_K: {{208, false}}, IQ4_XS: {{0, false}},
}

// randomWeights returns n elements of type t as random blocks: random code
// bytes, with every f16 scale replaced by a sane value in [2⁻¹⁰, 2⁻⁴]
// (magnitude), so that dequantized values look like real weights.
func randomWeights(rng *rand.Rand, t Type, n int) []byte {
	l := layouts[t]
	buf := make([]byte, n/l.BlockElems*l.BlockBytes)
	switch t {
	case F32:
		for i := 0; i < n; i++ {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(float32(rng.NormFloat64())))
		}
		return buf
	case F16, BF16:
		for i := 0; i < n; i++ {
			v := float32(rng.NormFloat64())
			h := F32ToF16(v)
			if t == BF16 {
				h = F32ToBF16(v)
			}
			binary.LittleEndian.PutUint16(buf[2*i:], h)
		}
		return buf
	}
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	for b := 0; b < len(buf); b += l.BlockBytes {
		for _, f := range scaleFields[t] {
			v := float32(math.Exp2(-4 - 6*rng.Float64()))
			if !f.positive && rng.IntN(2) == 0 {
				v = -v
			}
			putF16(buf[b+f.off:], v)
		}
	}
	return buf
}

// randomActivations returns n normally distributed values with a few
// outliers, like a residual stream.
func randomActivations(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
		if rng.IntN(64) == 0 {
			x[i] *= 8
		}
	}
	return x
}
