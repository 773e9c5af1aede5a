package simd

import (
	"fmt"
	"math"

	"hearth/engine/quant"
)

// attendMaxDim bounds the head size the C kernel handles; larger heads take
// the Go path.
const attendMaxDim = 256

// AttendBlock is the number of keys AttendF16 and AttendF32 fold into the
// running softmax at a time. Blocks start at multiples of AttendBlock from
// the first key, whatever the query block, so a row's result does not
// depend on which other rows were computed with it.
const AttendBlock = 64

// AttendScratch returns the scratch length AttendF16 and AttendF32 need for
// rows = nq·g query rows of hd values.
func AttendScratch(rows, hd int) int {
	return rows*(2*hd+2) + 2*AttendBlock*hd + AttendBlock
}

// AttendF16 is causal attention, blockwise with an online softmax, for nq
// consecutive query tokens with g query heads each, all sharing one
// key/value head of an f16 cache. Row (t, i) is q[t·qstride+i·hd :
// t·qstride+(i+1)·hd] and sees keys 0…n0−1+t (keys[j·stride :
// j·stride+hd], values likewise in vals):
//
//	out(t,i) = Σ_j p_j·V_j,  p = softmax_j(scale·q̃·K_j)
//
// with q̃ the query rounded to f16, as llama.cpp does for an f16 cache. The
// keys are visited AttendBlock at a time, each block read once for every
// row of the call; each row keeps a running maximum, a running sum and an
// f32 accumulator of e^(s_j−max)·V_j, rescaled when the maximum grows, and
// is divided by its sum at the end. Keys past a row's last are never
// visited; neither are those before key 0, which is how a caller restricts
// a chunked layer to its chunk. out has the layout of q; scratch holds
// AttendScratch(nq·g, hd) values.
func AttendF16(q []float32, nq, g, hd, qstride int, keys, vals []uint16, stride, n0 int, scale float32, scratch, out []float32) error {
	if err := attendCheck(len(q), len(out), len(keys), len(vals), len(scratch), nq, g, hd, qstride, stride, n0); err != nil {
		return err
	}
	if hd <= attendMaxDim && hd%8 == 0 && kernelAttendF16(dispatch.kernel(), q, nq, g, hd, qstride, keys, vals, stride, n0, scale, scratch, out) {
		return nil
	}
	attendGo(q, nq, g, hd, qstride, stride, n0, scale, scratch, out, true,
		func(dst []float32, j int) {
			for c, x := range keys[j*stride : j*stride+hd] {
				dst[c] = quant.F16ToF32(x)
			}
		},
		func(dst []float32, j int) {
			for c, x := range vals[j*stride : j*stride+hd] {
				dst[c] = quant.F16ToF32(x)
			}
		})
	return nil
}

// AttendF32 is AttendF16 for an f32 cache, the query kept in f32.
func AttendF32(q []float32, nq, g, hd, qstride int, keys, vals []float32, stride, n0 int, scale float32, scratch, out []float32) error {
	if err := attendCheck(len(q), len(out), len(keys), len(vals), len(scratch), nq, g, hd, qstride, stride, n0); err != nil {
		return err
	}
	if hd <= attendMaxDim && hd%8 == 0 && kernelAttendF32(dispatch.kernel(), q, nq, g, hd, qstride, keys, vals, stride, n0, scale, scratch, out) {
		return nil
	}
	attendGo(q, nq, g, hd, qstride, stride, n0, scale, scratch, out, false,
		func(dst []float32, j int) { copy(dst, keys[j*stride:j*stride+hd]) },
		func(dst []float32, j int) { copy(dst, vals[j*stride:j*stride+hd]) })
	return nil
}

func attendCheck(nQ, nOut, nK, nV, nScratch, nq, g, hd, qstride, stride, n0 int) error {
	nKeys := n0 + nq - 1
	switch {
	case nq < 1 || g < 1 || hd < 1 || n0 < 1 || stride < hd || qstride < g*hd || nKeys > math.MaxInt32:
		return fmt.Errorf("simd: attend: bad shape: %d tokens of %d rows of %d (%d apart), %d+ keys %d apart", nq, g, hd, qstride, n0, stride)
	case nQ < (nq-1)*qstride+g*hd || nOut < (nq-1)*qstride+g*hd:
		return fmt.Errorf("simd: attend: %d query and %d output values for %d tokens of %d rows of %d, %d apart", nQ, nOut, nq, g, hd, qstride)
	case nK < (nKeys-1)*stride+hd || nV < (nKeys-1)*stride+hd:
		return fmt.Errorf("simd: attend: %d keys and %d values for %d positions %d apart", nK, nV, nKeys, stride)
	case nScratch < AttendScratch(nq*g, hd):
		return fmt.Errorf("simd: attend: %d scratch values, need %d", nScratch, AttendScratch(nq*g, hd))
	}
	return nil
}

// attendGo is the portable form of the C kernel, in the same order (the
// exponentials aside, which come from math.Exp here). key and val copy key
// or value j into dst as f32.
func attendGo(q []float32, nq, g, hd, qstride, stride, n0 int, scale float32, scratch, out []float32, f16 bool, key, val func(dst []float32, j int)) {
	rows := nq * g
	qr, scratch := scratch[:rows*hd], scratch[rows*hd:]
	acc, scratch := scratch[:rows*hd], scratch[rows*hd:]
	ml, scratch := scratch[:2*rows], scratch[2*rows:]
	kb, scratch := scratch[:AttendBlock*hd], scratch[AttendBlock*hd:]
	vb, sc := scratch[:AttendBlock*hd], scratch[AttendBlock*hd:AttendBlock*hd+AttendBlock]
	for t := 0; t < nq; t++ {
		for i := 0; i < g; i++ {
			dst := qr[(t*g+i)*hd : (t*g+i+1)*hd]
			copy(dst, q[t*qstride+i*hd:])
			if f16 {
				for c, x := range dst {
					dst[c] = roundF16(x)
				}
			}
		}
	}
	clear(acc)
	for r := 0; r < rows; r++ {
		ml[2*r], ml[2*r+1] = float32(math.Inf(-1)), 0
	}
	nKeys := n0 + nq - 1
	for b0 := 0; b0 < nKeys; b0 += AttendBlock {
		b1 := min(b0+AttendBlock, nKeys)
		for j := b0; j < b1; j++ {
			key(kb[(j-b0)*hd:(j-b0+1)*hd], j)
			val(vb[(j-b0)*hd:(j-b0+1)*hd], j)
		}
		for t := 0; t < nq; t++ {
			lim := min(n0+t, b1)
			if lim <= b0 {
				continue
			}
			for i := 0; i < g; i++ {
				r := t*g + i
				attendRowGo(qr[r*hd:(r+1)*hd], kb, vb, scale, sc[:lim-b0], ml[2*r:2*r+2], acc[r*hd:(r+1)*hd])
			}
		}
	}
	for t := 0; t < nq; t++ {
		for i := 0; i < g; i++ {
			r := t*g + i
			inv := 1 / ml[2*r+1]
			dst := out[t*qstride+i*hd : t*qstride+(i+1)*hd]
			for c, a := range acc[r*hd : (r+1)*hd] {
				dst[c] = a * inv
			}
		}
	}
}

// attendRowGo folds the len(sc) keys of a block (kb, vb: rows of len(q))
// into one row's running maximum ml[0], sum ml[1] and accumulator acc.
func attendRowGo(q, kb, vb []float32, scale float32, sc, ml, acc []float32) {
	hd := len(q)
	bm := float32(math.Inf(-1))
	for j := range sc {
		var s float32
		for c, k := range kb[j*hd : (j+1)*hd] {
			s += q[c] * k
		}
		sc[j] = s * scale
		bm = max(bm, sc[j])
	}
	if bm > ml[0] {
		f := float32(math.Exp(float64(ml[0] - bm)))
		for c := range acc {
			acc[c] *= f
		}
		ml[1] *= f
		ml[0] = bm
	}
	var sum float32
	for j, s := range sc {
		e := float32(math.Exp(float64(s - ml[0])))
		sc[j] = e
		sum += e
	}
	ml[1] += sum
	for j, p := range sc {
		for c, v := range vb[j*hd : (j+1)*hd] {
			acc[c] += p * v
		}
	}
}

func roundF16(x float32) float32 { return quant.F16ToF32(quant.F32ToF16(x)) }
