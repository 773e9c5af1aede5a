package simd

import (
	"fmt"
	"math"

	"hearth/engine/quant"
)

// attendMaxDim bounds the head size the C kernel holds on its stack;
// larger heads take the Go path.
const attendMaxDim = 256

// AttendF16 is attention for g query heads that share one key/value head,
// over nKeys consecutive positions of an f16 cache: for each row i,
//
//	out[i] = Σ_j p_ij·V_j,  p_i = softmax_j(scale·q̃_i·K_j)
//
// with q̃_i = q[i·hd : (i+1)·hd] rounded to f16, K_j = keys[j·stride :
// j·stride+hd] and V_j likewise in vals. It follows llama.cpp's CPU order
// for an f16 cache: the query rounded to f16 for the f16 dot products, the
// maximum subtracted, exponentials in f32 summed in float64, one
// reciprocal multiply, and the probabilities rounded to f16 before the V
// product (accumulated in f32). scores (≥ nKeys values) is scratch; the
// keys and values of a row stay in cache for the next rows of the group.
func AttendF16(q []float32, g, hd int, keys, vals []uint16, stride, nKeys int, scale float32, scores, out []float32) error {
	switch {
	case g < 1 || hd < 1 || nKeys < 1 || stride < hd:
		return fmt.Errorf("simd: attend: bad shape: %d rows of %d, %d keys %d apart", g, hd, nKeys, stride)
	case len(q) < g*hd || len(out) < g*hd || len(scores) < nKeys:
		return fmt.Errorf("simd: attend: %d query, %d output and %d score values for %d rows of %d over %d keys", len(q), len(out), len(scores), g, hd, nKeys)
	case len(keys) < (nKeys-1)*stride+hd || len(vals) < (nKeys-1)*stride+hd:
		return fmt.Errorf("simd: attend: %d keys and %d values for %d positions %d apart", len(keys), len(vals), nKeys, stride)
	}
	if hd <= attendMaxDim && hd%8 == 0 && nKeys <= math.MaxInt32 &&
		kernelAttendF16(dispatch.kernel(), q, g, hd, keys, vals, stride, nKeys, scale, scores, out) {
		return nil
	}
	for i := 0; i < g; i++ {
		attendRowGo(q[i*hd:(i+1)*hd], keys, vals, stride, scale, scores[:nKeys], out[i*hd:(i+1)*hd])
	}
	return nil
}

// attendRowGo is one row of AttendF16 in portable Go.
func attendRowGo(q []float32, keys, vals []uint16, stride int, scale float32, sc, o []float32) {
	hd := len(q)
	m := float32(math.Inf(-1))
	for j := range sc {
		var s float32
		for c, x := range keys[j*stride : j*stride+hd] {
			s += roundF16(q[c]) * quant.F16ToF32(x)
		}
		sc[j] = s * scale
		m = max(m, sc[j])
	}
	var sum float64
	for j, v := range sc {
		e := float32(math.Exp(float64(v - m)))
		sc[j] = e
		sum += float64(e)
	}
	inv := float32(1 / sum)
	clear(o)
	for j, e := range sc {
		p := roundF16(e * inv)
		for c, x := range vals[j*stride : j*stride+hd] {
			o[c] += p * quant.F16ToF32(x)
		}
	}
}

func roundF16(x float32) float32 { return quant.F16ToF32(quant.F32ToF16(x)) }
