package vision

import (
	"os"
	"path/filepath"
	"testing"

	"hearth/engine/imageprep"
)

// FuzzPreprocess checks that no input makes Preprocess panic, and that what
// it accepts is well formed. The pixel limit is lowered so that a small
// input claiming a large image cannot make the fuzzer allocate much.
func FuzzPreprocess(f *testing.F) {
	dir := fixtureDir(f)
	p := loadFixtureProjector(f, dir)
	p.Limits = imageprep.Limits{MaxPixels: 1 << 20}
	for _, name := range []string{"gradient-336x336.png", "wide-500x300.png", "tiny-60x40-rgba.png"} {
		data, err := os.ReadFile(filepath.Join(dir, "images", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(pngClaiming(100000, 100000))
	f.Add([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x16Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12"))
	f.Add([]byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := p.Preprocess(data)
		if err != nil {
			return
		}
		g := p.Grid(img)
		if img.Width*img.Height > 1<<20 || len(img.Tiles) < 1 || len(img.Tiles) > 10 || g.Tiles() != len(img.Tiles) {
			t.Fatalf("accepted %d×%d image with %d tiles (grid %d×%d)", img.Width, img.Height, len(img.Tiles), img.Cols, img.Rows)
		}
		for i, tile := range img.Tiles {
			if len(tile) != 3*img.TileSize*img.TileSize {
				t.Fatalf("tile %d has %d values", i, len(tile))
			}
		}
	})
}
