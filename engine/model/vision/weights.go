package vision

import (
	"fmt"
	"slices"

	"hearth/engine/gguf"
	"hearth/engine/quant"
)

// matrix is a weight of out rows × in columns (ggml ne [in, out]) viewed in
// the mapped file. F32 weights are used in place; other types are expanded
// one row at a time by the matmul, so nothing large is copied.
type matrix struct {
	in, out  int
	f32      []float32 // set when the tensor is F32
	raw      []byte    // the rows otherwise
	rowBytes int
	deq      func(src []byte, dst []float32)
}

// row returns row o as float32, expanding it into buf unless it is F32.
func (m *matrix) row(o int, buf []float32) []float32 {
	if m.f32 != nil {
		return m.f32[o*m.in : (o+1)*m.in]
	}
	m.deq(m.raw[o*m.rowBytes:(o+1)*m.rowBytes], buf)
	return buf
}

// weights are one projector's tensors.
type weights struct {
	patchEmbd      *matrix   // 3·P·P → Embd, no bias
	classEmbd      []float32 // Embd
	posEmbd        []float32 // (Side²+1) × Embd
	preLN, postLN  norm
	blocks         []block
	mlp1, mlp2, fc *matrix // adapter and projector, no biases
}

// norm is a LayerNorm's scale and shift.
type norm struct{ w, b []float32 }

// block is one encoder layer.
type block struct {
	ln1, ln2               norm
	q, k, v, out, up, down *matrix
	qb, kb, vb, outb       []float32
	upb, downb             []float32
}

// binder looks tensors up by name and checks their shapes, keeping the
// first error so that binding code reads as a plain list.
type binder struct {
	f   *gguf.File
	err error
}

func (b *binder) tensor(name string, shapes ...[]int64) *gguf.Tensor {
	if b.err != nil {
		return nil
	}
	t, ok := b.f.Tensor(name)
	if !ok {
		b.err = fmt.Errorf("missing tensor %q", name)
		return nil
	}
	dims := t.Dims
	for len(dims) > 1 && dims[len(dims)-1] == 1 {
		dims = dims[:len(dims)-1]
	}
	for _, s := range shapes {
		if slices.Equal(dims, s) {
			return t
		}
	}
	b.err = fmt.Errorf("tensor %q has shape %v, want %v", name, t.Dims, shapes[0])
	return nil
}

// matrix binds a weight of ggml shape [in, out] (or an alternative shape
// with the same memory layout).
func (b *binder) matrix(name string, in, out int, alt ...[]int64) *matrix {
	t := b.tensor(name, append([][]int64{{int64(in), int64(out)}}, alt...)...)
	if t == nil {
		return nil
	}
	m := &matrix{in: in, out: out}
	if t.Type == quant.F32 {
		m.f32, b.err = t.F32()
		if b.err != nil {
			b.err = fmt.Errorf("tensor %q: %w", name, b.err)
		}
		return m
	}
	tr, ok := quant.TraitsOf(t.Type)
	if !ok || in%tr.BlockElems != 0 {
		b.err = fmt.Errorf("tensor %q: type %s is not supported for %d-wide rows", name, t.Type, in)
		return nil
	}
	m.raw, m.rowBytes, m.deq = t.Data, in/tr.BlockElems*tr.BlockBytes, tr.Dequantize
	return m
}

// vector binds a 1-D tensor of n elements, expanding it to float32 if
// stored in another type (vectors are small).
func (b *binder) vector(name string, n int) []float32 {
	return b.flat(name, n, []int64{int64(n)})
}

// flat binds a tensor of the given shape as one float32 slice.
func (b *binder) flat(name string, n int, shape []int64) []float32 {
	t := b.tensor(name, shape)
	if t == nil {
		return nil
	}
	if t.Type == quant.F32 {
		v, err := t.F32()
		if err != nil {
			b.err = fmt.Errorf("tensor %q: %w", name, err)
		}
		return v
	}
	out := make([]float32, n)
	if err := quant.Dequantize(t.Type, t.Data, out); err != nil {
		b.err = fmt.Errorf("tensor %q: %w", name, err)
	}
	return out
}

func (b *binder) norm(prefix string, n int) norm {
	return norm{w: b.vector(prefix+".weight", n), b: b.vector(prefix+".bias", n)}
}

// bindWeights binds and shape-checks every tensor of a llama4 mmproj
// (spec §7.1).
func bindWeights(f *gguf.File, h Hparams) (*weights, int, error) {
	b := &binder{f: f}
	e, p, tokens := h.Embd, h.PatchSize, h.Side()*h.Side()+1
	w := &weights{
		// llama.cpp may also store the patch embedding as a 14×14×3 conv
		// kernel, which has the same memory layout.
		patchEmbd: b.matrix("v.patch_embd.weight", 3*p*p, e, []int64{int64(p), int64(p), 3, int64(e)}),
		classEmbd: b.vector("v.class_embd", e),
		posEmbd:   b.flat("v.position_embd.weight", tokens*e, []int64{int64(e), int64(tokens)}),
		preLN:     b.norm("v.pre_ln", e),
		postLN:    b.norm("v.post_ln", e),
	}
	for l := 0; l < h.Layers; l++ {
		n := fmt.Sprintf("v.blk.%d.", l)
		w.blocks = append(w.blocks, block{
			ln1: b.norm(n+"ln1", e), ln2: b.norm(n+"ln2", e),
			q: b.matrix(n+"attn_q.weight", e, e), qb: b.vector(n+"attn_q.bias", e),
			k: b.matrix(n+"attn_k.weight", e, e), kb: b.vector(n+"attn_k.bias", e),
			v: b.matrix(n+"attn_v.weight", e, e), vb: b.vector(n+"attn_v.bias", e),
			out: b.matrix(n+"attn_out.weight", e, e), outb: b.vector(n+"attn_out.bias", e),
			up: b.matrix(n+"ffn_up.weight", e, h.FFN), upb: b.vector(n+"ffn_up.bias", h.FFN),
			down: b.matrix(n+"ffn_down.weight", h.FFN, e), downb: b.vector(n+"ffn_down.bias", e),
		})
	}
	shuffled := e * h.ScaleFactor * h.ScaleFactor
	// The adapter and projector widths are not in the metadata; they come
	// from the tensors' shapes.
	a1 := b.width("mm.model.mlp.1.weight")
	w.mlp1 = b.matrix("mm.model.mlp.1.weight", shuffled, a1)
	a2 := b.width("mm.model.mlp.2.weight")
	w.mlp2 = b.matrix("mm.model.mlp.2.weight", a1, a2)
	out := b.width("mm.model.fc.weight")
	w.fc = b.matrix("mm.model.fc.weight", a2, out)
	if b.err != nil {
		return nil, 0, b.err
	}
	return w, out, nil
}

// width returns the output width (ne[1]) of a 2-D weight, or 0 (and
// records an error) when it is missing or not 2-D.
func (b *binder) width(name string) int {
	if b.err != nil {
		return 0
	}
	t, ok := b.f.Tensor(name)
	if !ok {
		b.err = fmt.Errorf("missing tensor %q", name)
		return 0
	}
	if len(t.Dims) != 2 || t.Dims[1] < 1 || t.Dims[1] > 1<<20 {
		b.err = fmt.Errorf("tensor %q has shape %v, want 2 dimensions", name, t.Dims)
		return 0
	}
	return int(t.Dims[1])
}
