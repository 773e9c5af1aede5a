package vision

import (
	"fmt"
)

// tracer receives named intermediate tensors during encoding (tests compare
// them with llama.cpp's); nil means no tracing.
type tracer func(label string, data []float32)

func (t tracer) emit(label string, data []float32) {
	if t != nil {
		t(label, data)
	}
}

// Encode runs every tile of img through the encoder and projector and
// returns one row per image token, in prompt order (tile by tile, each
// tile's TokensPerTile rows in p.Order); each row is EmbedDim wide.
func (p *Projector) Encode(img *Image) ([][]float32, error) {
	if img == nil || len(img.Tiles) == 0 {
		return nil, fmt.Errorf("vision: encode: no tiles")
	}
	size := p.hp.ImageSize
	var rows [][]float32
	for i, tile := range img.Tiles {
		if len(tile) != 3*size*size {
			return nil, fmt.Errorf("vision: encode: tile %d has %d values, want 3×%d×%d", i, len(tile), size, size)
		}
		out := p.encodeTile(tile, nil)
		for r := 0; r < p.TokensPerTile(); r++ {
			rows = append(rows, out[r*p.outDim:(r+1)*p.outDim:(r+1)*p.outDim])
		}
	}
	return rows, nil
}

// scratch holds one tile's per-layer buffers.
type scratch struct {
	a, q, k, v, attn, ff []float32
}

// encodeTile maps one normalised CHW tile to TokensPerTile × EmbedDim
// values (spec §7.3–7.6).
func (p *Projector) encodeTile(tile []float32, trace tracer) []float32 {
	h, w := p.hp, p.w
	n, e := h.Side()*h.Side(), h.Embd
	tokens := n + 1 // the patches, then the class token

	x := make([]float32, tokens*e)
	matmul(x, patchify(tile, h.ImageSize, h.PatchSize), n, w.patchEmbd, nil)
	copy(x[n*e:], w.classEmbd)
	add(x, w.posEmbd)
	layerNorm(x, tokens, w.preLN, h.Eps)
	trace.emit("pre_ln", x)

	s := &scratch{
		a: make([]float32, tokens*e), q: make([]float32, tokens*e), k: make([]float32, tokens*e),
		v: make([]float32, tokens*e), attn: make([]float32, tokens*e), ff: make([]float32, tokens*h.FFN),
	}
	for l := range w.blocks {
		p.encoderLayer(&w.blocks[l], x, tokens, s)
		if l == 0 {
			trace.emit("q_rope2d_layer0", s.q)
		}
		trace.emit(fmt.Sprintf("layer_out_%d", l), x)
	}
	layerNorm(x, tokens, w.postLN, h.Eps)

	t := pixelShuffle(x[:n*e], h.Side(), e, h.ScaleFactor, p.Order) // drops the class token
	trace.emit("pixel_shuffle", t)
	m := h.TokensPerTile()
	a1 := make([]float32, m*w.mlp1.out)
	matmul(a1, t, m, w.mlp1, nil)
	p.gelu.apply(a1)
	a2 := make([]float32, m*w.mlp2.out)
	matmul(a2, a1, m, w.mlp2, nil)
	p.gelu.apply(a2)
	trace.emit("adapter_mlp", a2)
	out := make([]float32, m*w.fc.out)
	matmul(out, a2, m, w.fc, nil)
	return out
}

// encoderLayer is one pre-norm transformer block with 2-D RoPE and full
// attention, updating the residual stream x in place.
func (p *Projector) encoderLayer(b *block, x []float32, tokens int, s *scratch) {
	h := p.hp
	copy(s.a, x)
	layerNorm(s.a, tokens, b.ln1, h.Eps)
	matmul(s.q, s.a, tokens, b.q, b.qb)
	matmul(s.k, s.a, tokens, b.k, b.kb)
	matmul(s.v, s.a, tokens, b.v, b.vb)
	p.rope.apply(s.q, tokens, h.Heads, h.HeadDim())
	p.rope.apply(s.k, tokens, h.Heads, h.HeadDim())
	attention(s.attn, s.q, s.k, s.v, tokens, h.Heads, h.HeadDim())
	matmul(s.a, s.attn, tokens, b.out, b.outb)
	add(x, s.a)

	copy(s.a, x)
	layerNorm(s.a, tokens, b.ln2, h.Eps)
	matmul(s.ff, s.a, tokens, b.up, b.upb)
	p.gelu.apply(s.ff)
	matmul(s.a, s.ff, tokens, b.down, b.downb)
	add(x, s.a)
}
