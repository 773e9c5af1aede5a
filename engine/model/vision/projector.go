package vision

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"hearth/engine/gguf"
	"hearth/engine/imageprep"
)

// Projector is a loaded Llama 4 vision encoder and projector. Its weights
// stay in the memory-mapped mmproj file until Close. Methods may be called
// from several goroutines at once.
type Projector struct {
	// Limits bounds the images Preprocess accepts; the zero value means
	// imageprep's defaults (50 megapixels).
	Limits imageprep.Limits
	// Order is the token order within a tile; the zero value is
	// llama.cpp's (column-major), which the reference outputs follow.
	Order Order

	path   string
	file   *gguf.File
	hp     Hparams
	w      *weights
	outDim int
	gelu   *geluTable
	rope   *rope2D
}

// Load opens a llama.cpp mmproj GGUF with a llama4 projector, checking its
// metadata and every tensor's shape (spec §7.1).
func Load(path string) (*Projector, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vision: %w", err)
	}
	p, err := newProjector(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("vision: %s: %w", path, err)
	}
	p.path = path
	return p, nil
}

func newProjector(f *gguf.File) (*Projector, error) {
	hp, err := readHparams(f)
	if err != nil {
		return nil, err
	}
	w, outDim, err := bindWeights(f, hp)
	if err != nil {
		return nil, err
	}
	return &Projector{
		file: f, hp: hp, w: w, outDim: outDim,
		gelu: newGELUTable(),
		rope: newRope2D(hp.Side(), hp.HeadDim()),
	}, nil
}

// Close unmaps the file. The Projector must not be used afterwards.
func (p *Projector) Close() error { return p.file.Close() }

// Hparams returns the encoder's hyperparameters.
func (p *Projector) Hparams() Hparams { return p.hp }

// EmbedDim is the width of the output embeddings; it must equal the text
// model's n_embd.
func (p *Projector) EmbedDim() int { return p.outDim }

// TokensPerTile is the number of embeddings each tile yields (144).
func (p *Projector) TokensPerTile() int { return p.hp.TokensPerTile() }

// Image is a preprocessed image: its tiles in prompt order (local tiles row
// by row, then the overview) and what identifies it.
type Image struct {
	// Tiles are normalised float32 tiles, each [3][TileSize][TileSize]
	// (CHW, channels R, G, B).
	Tiles    [][]float32
	TileSize int
	// Cols and Rows are the local tile grid. 1×1 means the image fit in a
	// single tile and has no overview tile (llama.cpp never tiles an image
	// 1×1); otherwise an overview tile follows the Cols·Rows local ones.
	Cols, Rows int
	// Width and Height are the decoded size, after EXIF orientation.
	Width, Height int
	// Hash is the SHA-256 of the file's bytes, for snapshot and cache keys.
	Hash [sha256.Size]byte
}

// HashHex is Hash in lowercase hexadecimal.
func (img *Image) HashHex() string { return hex.EncodeToString(img.Hash[:]) }

// Preprocess decodes an image file (PNG, JPEG, GIF first frame or WebP) and
// cuts it into normalised tiles as llama.cpp does for Llama 4. Oversized,
// truncated, corrupt and unsupported files are rejected with an error
// wrapping imageprep's sentinel errors.
func (p *Projector) Preprocess(data []byte) (*Image, error) {
	rgb, err := imageprep.Decode(data, p.Limits)
	if err != nil {
		return nil, fmt.Errorf("vision: %w", err)
	}
	tiles, grid, err := imageprep.Tiles(rgb, p.hp.ImageSize, imageprep.DefaultMaxGrid)
	if err != nil {
		return nil, fmt.Errorf("vision: %w", err)
	}
	img := &Image{
		TileSize: p.hp.ImageSize,
		Cols:     max(grid.Cols, 1), Rows: max(grid.Rows, 1),
		Width: rgb.Width, Height: rgb.Height,
		Hash: sha256.Sum256(data),
	}
	for _, t := range tiles {
		img.Tiles = append(img.Tiles, imageprep.Normalize(t, p.hp.Mean, p.hp.Std))
	}
	return img, nil
}
