package cli

import (
	"fmt"

	"hearth/engine/imageprep"

	"hearth/engine/chat"
	"hearth/engine/model/vision"
)

// chatImage is one image file attached to a conversation: preprocessed at
// once (for its tiling and a clear error on a bad file), encoded only when
// its positions must be computed, which a snapshot restore can spare.
type chatImage struct {
	path string
	p    *vision.Projector
	img  *vision.Image
	grid vision.Grid
	rows [][]float32 // nil until encoded
}

// checkImage reads the header of the image file at path (refusing a file
// too large to read, a format not supported and a size over the pixel
// limit) without decoding it: `hearth run` checks every image this way
// before the slow model load.
func checkImage(path string) error {
	if _, _, err := imageprep.ReadFile(path, imageprep.Limits{}); err != nil {
		return fmt.Errorf("image %s: %w", path, err)
	}
	return nil
}

// loadImage reads and preprocesses the image file at path for p.
func loadImage(p *vision.Projector, path string) (*chatImage, error) {
	data, _, err := imageprep.ReadFile(path, p.Limits)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", path, err)
	}
	img, err := p.Preprocess(data)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", path, err)
	}
	return &chatImage{path: path, p: p, img: img, grid: p.Grid(img)}, nil
}

// embeddings returns the image's embedding rows, one per image position in
// prompt order, encoding it on first use.
func (ci *chatImage) embeddings() ([][]float32, error) {
	if ci.rows == nil {
		rows, err := ci.p.Encode(ci.img)
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", ci.path, err)
		}
		ci.rows = rows
	}
	return ci.rows, nil
}

// imageEmbeddings returns the embd argument of PrefillEmbeddings for a
// prompt of n tokens holding images at positions, encoding what is not
// encoded yet.
func imageEmbeddings(images []*chatImage, n int, positions []int) ([][]float32, error) {
	var rows [][]float32
	for _, img := range images {
		r, err := img.embeddings()
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	return vision.Scatter(n, positions, rows)
}

// imageGrids returns the placeholder grids of images, for chat.Encode.
func imageGrids(images []*chatImage) []chat.ImageGrid {
	grids := make([]chat.ImageGrid, len(images))
	for i, img := range images {
		grids[i] = chat.ImageGrid(img.grid)
	}
	return grids
}
