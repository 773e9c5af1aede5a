package imageprep

import (
	"fmt"
	"math"
)

// DefaultMaxGrid is llama.cpp's limit on local tiles per side for Llama 4
// (grids up to 3×3).
const DefaultMaxGrid = 3

// Grid is a tiling of the resized image into Cols × Rows local tiles. The
// zero Grid means the image was small enough to become a single stretched
// tile with no overview.
type Grid struct {
	Cols, Rows int
}

// Tiled reports whether the image was cut into local tiles (followed by an
// overview tile).
func (g Grid) Tiled() bool { return g.Cols > 0 && g.Rows > 0 }

// NumTiles is the number of tiles the grid yields: the local tiles plus the
// overview, or 1 for an untiled image.
func (g Grid) NumTiles() int {
	if !g.Tiled() {
		return 1
	}
	return g.Cols*g.Rows + 1
}

// SelectGrid picks llama.cpp's canvas for a w×h image: no grid when both
// sides fit in one tile; otherwise, among cols × rows ≤ maxGrid × maxGrid
// (1×1 excluded, tried cols-major), the largest effective resolution, then
// the least wasted canvas area, then the earlier candidate. The arithmetic
// is float32 as in llama.cpp.
func SelectGrid(w, h, tile, maxGrid int) Grid {
	if w <= tile && h <= tile {
		return Grid{}
	}
	var best Grid
	var bestEff, bestWaste int64 = -1, 0
	for cols := 1; cols <= maxGrid; cols++ {
		for rows := 1; rows <= maxGrid; rows++ {
			if cols == 1 && rows == 1 {
				continue
			}
			cw, ch := int64(cols*tile), int64(rows*tile)
			s := fitScale(cw, ch, w, h)
			fw, fh := int64(float32(float32(w)*s)), int64(float32(float32(h)*s))
			eff := min(fw*fh, int64(w)*int64(h))
			waste := cw*ch - eff
			if eff > bestEff || (eff == bestEff && waste < bestWaste) {
				best, bestEff, bestWaste = Grid{Cols: cols, Rows: rows}, eff, waste
			}
		}
	}
	return best
}

// fitScale is the float32 factor that fits a w×h image inside cw×ch.
func fitScale(cw, ch int64, w, h int) float32 {
	return min(float32(cw)/float32(w), float32(ch)/float32(h))
}

// Tiles cuts img into the tiles llama.cpp feeds its Llama 4 encoder, in
// prompt order, and returns the grid used. An image no larger than one tile
// is stretched to tile×tile (bilinear). A larger one is resized keeping its
// aspect ratio (bicubic) into the chosen canvas, centred on black, cut into
// tiles row by row, and followed by an overview tile: the whole image
// stretched to tile×tile (bilinear).
func Tiles(img *RGB, tile, maxGrid int) ([]*RGB, Grid, error) {
	if img == nil || img.Width <= 0 || img.Height <= 0 || len(img.Pix) != 3*img.Width*img.Height {
		return nil, Grid{}, fmt.Errorf("imageprep: tiles: %w: empty or inconsistent image", ErrCorrupt)
	}
	if tile <= 0 || maxGrid <= 0 {
		return nil, Grid{}, fmt.Errorf("imageprep: tiles: invalid tile size %d or grid limit %d", tile, maxGrid)
	}
	overview := resizeBilinear(img, tile, tile)
	g := SelectGrid(img.Width, img.Height, tile, maxGrid)
	if !g.Tiled() {
		return []*RGB{overview}, g, nil
	}
	cw, ch := g.Cols*tile, g.Rows*tile
	s := fitScale(int64(cw), int64(ch), img.Width, img.Height)
	nw := min(int(math.Ceil(float64(float32(float32(img.Width)*s)))), cw)
	nh := min(int(math.Ceil(float64(float32(float32(img.Height)*s)))), ch)
	nw, nh = max(nw, 1), max(nh, 1)
	canvas := NewRGB(cw, ch)
	paste(canvas, resizeBicubic(img, nw, nh), (cw-nw)/2, (ch-nh)/2)
	tiles := make([]*RGB, 0, g.NumTiles())
	for r := 0; r < g.Rows; r++ {
		for c := 0; c < g.Cols; c++ {
			tiles = append(tiles, crop(canvas, c*tile, r*tile, tile, tile))
		}
	}
	return append(tiles, overview), g, nil
}
