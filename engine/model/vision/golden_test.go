package vision

import (
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// Tolerances from the fixtures README: llama.cpp's GELU table makes values
// after the first GELU agree only to ~1e-3.
const (
	tolExact     = 1e-4 // pre_ln, q_rope2d_layer0
	tolAfterGELU = 2e-3 // layer_out_0, pixel_shuffle
	tolAdapter   = 1e-2 // adapter_mlp
	tolEmbedding = 1e-2 // final image embeddings
)

func TestHparams(t *testing.T) {
	p := loadFixtureProjector(t, fixtureDir(t))
	want := Hparams{ImageSize: 336, PatchSize: 14, Embd: 48, FFN: 128, Layers: 2, Heads: 2,
		Eps: 1e-5, ScaleFactor: 2, Mean: [3]float32{0.5, 0.5, 0.5}, Std: [3]float32{0.5, 0.5, 0.5}}
	if got := p.Hparams(); got != want {
		t.Errorf("Hparams() = %+v, want %+v", got, want)
	}
	if p.EmbedDim() != 64 || p.TokensPerTile() != 144 {
		t.Errorf("EmbedDim %d, TokensPerTile %d; want 64, 144", p.EmbedDim(), p.TokensPerTile())
	}
}

// TestPreprocessAndEncodeMatchLlamaCpp runs each golden image file through
// Preprocess and Encode and compares the tiles (exactly) and the
// embeddings with llama.cpp's.
func TestPreprocessAndEncodeMatchLlamaCpp(t *testing.T) {
	dir := fixtureDir(t)
	p := loadFixtureProjector(t, dir)
	for _, name := range goldenNames(t, dir) {
		t.Run(name, func(t *testing.T) {
			g := loadGolden(t, dir, name)
			data, err := os.ReadFile(filepath.Join(dir, g.Image.File))
			if err != nil {
				t.Fatal(err)
			}
			img, err := p.Preprocess(data)
			if err != nil {
				t.Fatal(err)
			}
			if img.HashHex() != g.Image.SHA256 {
				t.Errorf("hash %s, want %s", img.HashHex(), g.Image.SHA256)
			}
			if img.Width != g.Image.Width || img.Height != g.Image.Height {
				t.Errorf("decoded %d×%d, want %d×%d", img.Width, img.Height, g.Image.Width, g.Image.Height)
			}
			// The goldens write 0×0 for an untiled image; Grid uses 1×1.
			grid := p.Grid(img)
			if grid.Cols != max(g.Grid.Cols, 1) || grid.Rows != max(g.Grid.Rows, 1) || len(img.Tiles) != g.NTiles ||
				grid.Tiles() != g.NTiles || grid.ImageTokens() != g.NImageTokens {
				t.Fatalf("grid %+v with %d tiles, want %d×%d with %d", grid, len(img.Tiles), g.Grid.Cols, g.Grid.Rows, g.NTiles)
			}
			tiles := readF32(t, filepath.Join(dir, "goldens", g.Tiles.File))
			per := 3 * img.TileSize * img.TileSize
			for i, tile := range img.Tiles {
				if d, at := maxAbsDiff(tile, tiles[i*per:(i+1)*per]); d != 0 {
					t.Errorf("tile %d: max |Δ| %g at %d, want bit-identical", i, d, at)
				}
			}

			rows, err := p.Encode(img)
			if err != nil {
				t.Fatal(err)
			}
			want := readF32(t, filepath.Join(dir, "goldens", g.Embeddings.File))
			if len(rows) != g.NImageTokens || len(rows)*p.EmbedDim() != len(want) {
				t.Fatalf("%d rows of %d, want %d rows (%d values)", len(rows), p.EmbedDim(), g.NImageTokens, len(want))
			}
			worst, worstRow := 0.0, 0
			for r, row := range rows {
				if d, _ := maxAbsDiff(row, want[r*p.EmbedDim():(r+1)*p.EmbedDim()]); d > worst {
					worst, worstRow = d, r
				}
			}
			t.Logf("embeddings: max |Δ| vs llama.cpp = %.3g (row %d)", worst, worstRow)
			if worst > tolEmbedding {
				t.Errorf("embeddings: max |Δ| %g at row %d exceeds %g", worst, worstRow, tolEmbedding)
			}
		})
	}
}

// TestEncoderIntermediates feeds the golden tile of gradient-336x336 to
// the encoder and compares each traced stage with llama.cpp's.
func TestEncoderIntermediates(t *testing.T) {
	dir := fixtureDir(t)
	p := loadFixtureProjector(t, dir)
	g := loadGolden(t, dir, "gradient-336x336")
	if g.Intermediates == nil {
		t.Fatal("golden has no intermediates")
	}
	tile := readF32(t, filepath.Join(dir, "goldens", g.Tiles.File))
	blob := readF32(t, filepath.Join(dir, "goldens", g.Intermediates.File))
	got := map[string][]float32{}
	p.encodeTile(tile[:3*336*336], func(label string, data []float32) {
		got[label] = append([]float32(nil), data...)
	})
	tol := map[string]float64{
		"pre_ln": tolExact, "q_rope2d_layer0": tolExact,
		"layer_out_0": tolAfterGELU, "pixel_shuffle": tolAfterGELU,
		"adapter_mlp": tolAdapter,
	}
	for _, e := range g.Intermediates.Tensors {
		want := blob[e.Offset/4 : (e.Offset+e.Size)/4]
		have, ok := got[e.Label]
		if !ok {
			t.Errorf("%s: not traced", e.Label)
			continue
		}
		if len(have) != len(want) {
			t.Errorf("%s: %d values, want %d (ggml_ne %v)", e.Label, len(have), len(want), e.GGMLNe)
			continue
		}
		d, at := maxAbsDiff(have, want)
		limit, ok := tol[e.Label]
		if !ok {
			t.Errorf("%s: no tolerance defined", e.Label)
			continue
		}
		t.Logf("%-16s max |Δ| %.3g (limit %g)", e.Label, d, limit)
		if d > limit || math.IsInf(d, 0) {
			t.Errorf("%s: max |Δ| %g at %d exceeds %g", e.Label, d, at, limit)
		}
	}
}

func TestImageHash(t *testing.T) {
	p := loadFixtureProjector(t, fixtureDir(t))
	img, err := p.Preprocess(solidPNG(t, 10, 10))
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.Preprocess(solidPNG(t, 10, 10))
	if err != nil {
		t.Fatal(err)
	}
	other, err := p.Preprocess(solidPNG(t, 10, 11))
	if err != nil {
		t.Fatal(err)
	}
	if img.Hash != again.Hash || img.Hash == other.Hash {
		t.Errorf("hashes: same file %s vs %s, other file %s", img.HashHex(), again.HashHex(), other.HashHex())
	}
	if _, err := hex.DecodeString(img.HashHex()); err != nil || len(img.HashHex()) != 64 {
		t.Errorf("HashHex() = %q, want 64 hex digits", img.HashHex())
	}
}

// TestTransformersOrder checks that the row-major token order gives the
// same vectors as llama.cpp's, transposed over the 12×12 token grid (the
// adapter and projector act on each token alone), and so differs from the
// goldens in place.
func TestTransformersOrder(t *testing.T) {
	dir := fixtureDir(t)
	p := loadFixtureProjector(t, dir)
	g := loadGolden(t, dir, "gradient-336x336")
	want := readF32(t, filepath.Join(dir, "goldens", g.Embeddings.File))
	tile := readF32(t, filepath.Join(dir, "goldens", g.Tiles.File))
	p.Order = OrderTransformers
	rows, err := p.Encode(&Image{Tiles: [][]float32{tile}, TileSize: 336})
	if err != nil {
		t.Fatal(err)
	}
	const m, d = 12, 64
	inPlace, transposed := 0.0, 0.0
	for r2 := 0; r2 < m; r2++ {
		for c2 := 0; c2 < m; c2++ {
			row := rows[m*r2+c2]
			a, _ := maxAbsDiff(row, want[(m*r2+c2)*d:(m*r2+c2+1)*d])
			b, _ := maxAbsDiff(row, want[(r2+m*c2)*d:(r2+m*c2+1)*d])
			inPlace, transposed = max(inPlace, a), max(transposed, b)
		}
	}
	t.Logf("row-major vs golden: max |Δ| in place %.3g, transposed %.3g", inPlace, transposed)
	if transposed > tolEmbedding || inPlace < 1 {
		t.Errorf("row-major order: transposed max |Δ| %g (want ≤ %g), in place %g (want ≥ 1)", transposed, tolEmbedding, inPlace)
	}
}
