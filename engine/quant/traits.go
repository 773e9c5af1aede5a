package quant

import (
	"fmt"
	"math"
)

// Traits is one row of the type table: everything the engine needs to
// store, convert and multiply tensors of one type. The functions work on
// whole blocks and never allocate; they do not check sizes (slices too
// short for the blocks they are told to process panic), so kernels call
// them after validating shapes once. The package-level Dequantize,
// Quantize and VecDot check every call.
type Traits struct {
	Name       string
	BlockElems int
	BlockBytes int
	// VecDotType is the type the activations are converted to before a dot
	// product with a row of this type (llama.cpp's vec_dot_type).
	VecDotType Type
	// Dequantize expands the blocks in src to len(dst) float32 values.
	Dequantize func(src []byte, dst []float32)
	// Quantize encodes src into len(src)/BlockElems blocks in dst; nil when
	// Hearth cannot produce this type.
	Quantize func(src []float32, dst []byte)
	// VecDot returns the dot product of n elements of this type (w) with n
	// elements of VecDotType (act), accumulated as ggml's scalar code does;
	// nil for activation-only types.
	VecDot func(n int, w, act []byte) float32
}

// traitsTable holds the computable types, indexed by Type. It is built once
// and never modified.
var traitsTable = buildTraits()

func buildTraits() [MXFP4 + 1]*Traits {
	var t [MXFP4 + 1]*Traits
	add := func(typ, dot Type, deq func([]byte, []float32), q func([]float32, []byte), vd func(int, []byte, []byte) float32) {
		l := layouts[typ]
		t[typ] = &Traits{Name: l.Name, BlockElems: l.BlockElems, BlockBytes: l.BlockBytes,
			VecDotType: dot, Dequantize: deq, Quantize: q, VecDot: vd}
	}
	add(F32, F32, dequantF32, quantizeF32, vecDotF32)
	add(F16, F16, dequantF16, quantizeF16, vecDotF16)
	add(BF16, BF16, dequantBF16, quantizeBF16, vecDotBF16)
	add(Q4_0, Q8_0, dequantQ4_0, quantizeQ4_0, vecDotQ4_0)
	add(Q4_1, Q8_1, dequantQ4_1, quantizeQ4_1, vecDotQ4_1)
	add(Q5_0, Q8_0, dequantQ5_0, quantizeQ5_0, vecDotQ5_0)
	add(Q5_1, Q8_1, dequantQ5_1, quantizeQ5_1, vecDotQ5_1)
	add(Q8_0, Q8_0, dequantQ8_0, quantizeQ8_0, vecDotQ8_0)
	add(Q8_1, Q8_1, dequantQ8_1, quantizeQ8_1, nil)
	add(Q2_K, Q8_K, dequantQ2_K, nil, vecDotQ2_K)
	add(Q3_K, Q8_K, dequantQ3_K, nil, vecDotQ3_K)
	add(Q4_K, Q8_K, dequantQ4_K, quantizeQ4_K, vecDotQ4_K)
	add(Q5_K, Q8_K, dequantQ5_K, quantizeQ5_K, vecDotQ5_K)
	add(Q6_K, Q8_K, dequantQ6_K, quantizeQ6_K, vecDotQ6_K)
	add(Q8_K, Q8_K, dequantQ8_K, quantizeQ8_K, nil)
	add(IQ4_NL, Q8_0, dequantIQ4_NL, nil, vecDotIQ4_NL)
	add(IQ4_XS, Q8_K, dequantIQ4_XS, nil, vecDotIQ4_XS)
	return t
}

// TraitsOf returns (a copy of) the traits row of t, or false if Hearth
// cannot convert tensors of type t (it may still be a valid GGUF type; see
// LayoutOf). Callers that loop over rows should look it up once.
func TraitsOf(t Type) (Traits, bool) {
	tr, ok := traitsOf(t)
	if !ok {
		return Traits{}, false
	}
	return *tr, true
}

func traitsOf(t Type) (*Traits, bool) {
	if int(t) >= len(traitsTable) || traitsTable[t] == nil {
		return nil, false
	}
	return traitsTable[t], true
}

// Supported reports whether the engine can compute with weights of type t:
// it can dequantize them and take their dot product with activations.
func Supported(t Type) bool {
	tr, ok := traitsOf(t)
	return ok && tr.VecDot != nil
}

// VecDotType returns the type activations are converted to before a dot
// product with weights of type t, or t itself if t is not supported.
func VecDotType(t Type) Type {
	if tr, ok := traitsOf(t); ok {
		return tr.VecDotType
	}
	return t
}

// Dequantize expands src, which must hold exactly the blocks of len(dst)
// elements of type t, into dst.
func Dequantize(t Type, src []byte, dst []float32) error {
	tr, ok := traitsOf(t)
	if !ok {
		return fmt.Errorf("quant: dequantize: unsupported type %s", t)
	}
	if err := checkSize(tr, len(dst), len(src)); err != nil {
		return fmt.Errorf("quant: dequantize: %w", err)
	}
	tr.Dequantize(src, dst)
	return nil
}

// Quantize encodes src as type t into dst, which must be exactly the size
// of len(src) elements. For activation types (Q8_0, Q8_1, Q8_K, F16, BF16)
// it rounds as llama.cpp's x86 CPU backend does when it converts
// activations (and q8_0 KV-cache rows), so dot products agree with
// llama.cpp's real path. For weight-only types it runs a weight quantizer:
// ggml's reference algorithm for Q4_0, Q4_1, Q5_0 and Q5_1, and a
// least-squares scale search for Q4_K, Q5_K and Q6_K. QuantizeWeights
// gives Q8_0 weights as llama-quantize writes them.
func Quantize(t Type, src []float32, dst []byte) error {
	tr, ok := traitsOf(t)
	if !ok || tr.Quantize == nil {
		return fmt.Errorf("quant: quantize: cannot produce type %s", t)
	}
	if err := checkSize(tr, len(src), len(dst)); err != nil {
		return fmt.Errorf("quant: quantize: %w", err)
	}
	tr.Quantize(src, dst)
	return nil
}

// QuantizeWeights encodes weights as llama-quantize does without an
// importance matrix. For Q8_0 that is ggml's reference quantizer (round
// half away from zero, not the activation path's half to even); other
// types use Quantize. F16, BF16, Q8_0 and Q4_0 output is byte-identical to
// llama-quantize's (checked against the fixture models); Q4_1, Q5_0 and
// Q5_1 follow the same reference algorithms but have no fixture; the
// K-quant search is Hearth's own.
func QuantizeWeights(t Type, src []float32, dst []byte) error {
	if t != Q8_0 {
		return Quantize(t, src, dst)
	}
	tr := traitsTable[Q8_0]
	if err := checkSize(tr, len(src), len(dst)); err != nil {
		return fmt.Errorf("quant: quantize weights: %w", err)
	}
	quantizeQ8_0Ref(src, dst)
	return nil
}

// VecDot returns the dot product of n elements of type t in w with n
// elements of VecDotType(t) in act, computed as ggml's scalar (non-SIMD)
// code does: exact integer sums per block, then scaled and summed in
// float32 (float64 for F32, F16 and BF16). It returns NaN if t is not
// supported or n or the slice lengths do not fit whole blocks.
func VecDot(t Type, n int, w []byte, act []byte) float32 {
	tr, ok := traitsOf(t)
	if !ok || tr.VecDot == nil || n < 0 || n%tr.BlockElems != 0 {
		return float32(math.NaN())
	}
	at := traitsTable[tr.VecDotType]
	if n%at.BlockElems != 0 || len(w) < n/tr.BlockElems*tr.BlockBytes || len(act) < n/at.BlockElems*at.BlockBytes {
		return float32(math.NaN())
	}
	return tr.VecDot(n, w, act)
}

// checkSize verifies that nbytes is exactly the storage of n elements.
func checkSize(tr *Traits, n, nbytes int) error {
	if n%tr.BlockElems != 0 {
		return fmt.Errorf("%s: %d elements is not a multiple of the block size %d", tr.Name, n, tr.BlockElems)
	}
	if want := n / tr.BlockElems * tr.BlockBytes; nbytes != want {
		return fmt.Errorf("%s: %d elements need %d bytes, have %d", tr.Name, n, want, nbytes)
	}
	return nil
}
