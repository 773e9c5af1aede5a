package vision

// Order is the order of a tile's tokens after the pixel shuffle, over the
// (side/scale)² grid of merged blocks.
type Order int

const (
	// OrderLlamaCpp is column-major, token r2 + m·c2 for block row r2 and
	// column c2: llama.cpp since Aug 2025, which the goldens follow.
	OrderLlamaCpp Order = iota
	// OrderTransformers is row-major, token m·r2 + c2: transformers and
	// Ollama, the order Llama 4 was trained with (spec §7.5, §9).
	OrderTransformers
)

// pixelShuffle merges each sf×sf block of the side×side grid of encoder
// outputs g (row-major patches, width e) into one token of sf²·e values:
// the block's vectors row by row, tokens in the given order.
func pixelShuffle(g []float32, side, e, sf int, order Order) []float32 {
	m := side / sf
	out := make([]float32, m*m*sf*sf*e)
	for c2 := 0; c2 < m; c2++ {
		for r2 := 0; r2 < m; r2++ {
			t := r2 + m*c2
			if order == OrderTransformers {
				t = m*r2 + c2
			}
			tok := out[t*sf*sf*e:]
			for dr := 0; dr < sf; dr++ {
				for dc := 0; dc < sf; dc++ {
					src := ((sf*r2+dr)*side + sf*c2 + dc) * e
					copy(tok[(dr*sf+dc)*e:(dr*sf+dc+1)*e], g[src:src+e])
				}
			}
		}
	}
	return out
}

// patchify cuts a CHW tile into side×side patches, row-major, each
// flattened in (channel, row in patch, column in patch) order to match
// v.patch_embd.
func patchify(tile []float32, size, patch int) []float32 {
	side := size / patch
	pp := patch * patch
	out := make([]float32, side*side*3*pp)
	for row := 0; row < side; row++ {
		for col := 0; col < side; col++ {
			dst := out[(row*side+col)*3*pp:]
			for c := 0; c < 3; c++ {
				for ky := 0; ky < patch; ky++ {
					src := c*size*size + (row*patch+ky)*size + col*patch
					copy(dst[c*pp+ky*patch:c*pp+(ky+1)*patch], tile[src:src+patch])
				}
			}
		}
	}
	return out
}
