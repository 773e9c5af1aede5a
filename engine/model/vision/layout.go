package vision

import "fmt"

// Grid is how an image was tiled, in the terms of chat.ImageGrid (same
// fields, so chat.ImageGrid(p.Grid(img)) converts it): Rows × Cols local
// tiles, 1×1 meaning a single tile with no overview, and TokensPerTile
// embeddings per tile. A tiled image also has an overview tile after the
// local ones.
type Grid struct {
	Rows, Cols    int
	TokensPerTile int
}

// Grid returns the placeholder grid of img, for laying out its tokens in
// the prompt (chat.ImagePlaceholder, chat.Encode).
func (p *Projector) Grid(img *Image) Grid {
	return Grid{Rows: img.Rows, Cols: img.Cols, TokensPerTile: p.TokensPerTile()}
}

// Tiles is the number of tiles the grid encodes, overview included.
func (g Grid) Tiles() int {
	if g.Rows*g.Cols > 1 {
		return g.Rows*g.Cols + 1
	}
	return 1
}

// ImageTokens is the number of embeddings the image fills.
func (g Grid) ImageTokens() int { return g.Tiles() * g.TokensPerTile }

// Scatter places embedding rows at their prompt positions: it returns n
// entries, rows[i] at positions[i] and nil elsewhere, which is the embd
// argument of a session's PrefillEmbeddings for a prompt of n tokens whose
// image positions (chat.Prompt.ImagePositions) are positions.
func Scatter(n int, positions []int, rows [][]float32) ([][]float32, error) {
	if len(positions) != len(rows) {
		return nil, fmt.Errorf("vision: %d image positions for %d embedding rows", len(positions), len(rows))
	}
	out := make([][]float32, n)
	for i, pos := range positions {
		if pos < 0 || pos >= n {
			return nil, fmt.Errorf("vision: image position %d outside a prompt of %d tokens", pos, n)
		}
		if out[pos] != nil {
			return nil, fmt.Errorf("vision: image position %d given twice", pos)
		}
		out[pos] = rows[i]
	}
	return out, nil
}
