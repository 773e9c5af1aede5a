package chat

import (
	"fmt"

	"hearth/engine/tokenizer"
)

// ImageLayout selects how an image's placeholder tokens are arranged.
type ImageLayout int

const (
	// LayoutTransformers is the layout Llama 4 was trained with
	// (transformers' Llama4Processor): <|image_start|>, then for a tiled
	// image each row of local tiles with <|tile_x_separator|> between tiles
	// and <|tile_y_separator|> after the row, then <|image|> and the global
	// tile, then <|image_end|>. A single-tile image is <|image_start|>
	// <|image|> tile <|image_end|>.
	LayoutTransformers ImageLayout = iota
	// LayoutLlamaCpp is current llama.cpp's layout (since its March 2026
	// refactor): <|image_start|>, the local tiles row-major, the overview
	// tile, <|image_end|>, with no separators and no <|image|>. Use it only
	// to reproduce llama.cpp reference runs.
	LayoutLlamaCpp
)

// ImageGrid is how an image was cut into tiles: Rows×Cols local tiles (1×1
// for an image that fits one tile, which then has no global tile), each
// taking TokensPerTile embeddings (144 for Llama 4).
type ImageGrid struct {
	Rows, Cols    int
	TokensPerTile int
}

// ImagePlaceholder returns the tokens that stand for one image and the
// indexes into them where image embeddings go, in the order the vision
// encoder produces them (local tiles row-major, then the global tile).
// Embedding slots hold the <|patch|> id.
func ImagePlaceholder(tok *tokenizer.Tokenizer, g ImageGrid, layout ImageLayout) (ids []int32, embedAt []int, err error) {
	if g.Rows < 1 || g.Cols < 1 || g.TokensPerTile < 1 {
		return nil, nil, fmt.Errorf("chat: image grid %d×%d with %d tokens per tile", g.Rows, g.Cols, g.TokensPerTile)
	}
	names := []string{"<|image_start|>", "<|image_end|>", "<|patch|>"}
	if layout == LayoutTransformers {
		names = append(names, "<|image|>", "<|tile_x_separator|>", "<|tile_y_separator|>")
	}
	sp := make(map[string]int32, len(names))
	for _, n := range names {
		id, ok := tok.LookupSpecial(n)
		if !ok {
			return nil, nil, fmt.Errorf("chat: the vocabulary has no %s token for images", n)
		}
		sp[n] = id
	}
	tile := func() {
		for range g.TokensPerTile {
			embedAt = append(embedAt, len(ids))
			ids = append(ids, sp["<|patch|>"])
		}
	}
	tiled := g.Rows*g.Cols > 1
	ids = append(ids, sp["<|image_start|>"])
	if tiled {
		for range g.Rows {
			for x := range g.Cols {
				tile()
				if layout == LayoutTransformers && x < g.Cols-1 {
					ids = append(ids, sp["<|tile_x_separator|>"])
				}
			}
			if layout == LayoutTransformers {
				ids = append(ids, sp["<|tile_y_separator|>"])
			}
		}
	}
	if layout == LayoutTransformers {
		ids = append(ids, sp["<|image|>"])
	}
	tile() // the global tile, or the only one
	ids = append(ids, sp["<|image_end|>"])
	return ids, embedAt, nil
}
