package imageprep

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// visionFixtures is the shared llama.cpp reference directory, beside the
// repository root.
func visionFixtures(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "vision")
	if _, err := os.Stat(filepath.Join(dir, "goldens", "index.json")); err != nil {
		t.Skipf("vision fixtures not available at %s: %v", dir, err)
	}
	return dir
}

type goldenTiles struct {
	Image struct {
		File string `json:"file"`
	} `json:"image"`
	NTiles int `json:"n_tiles"`
	Grid   struct {
		Cols int `json:"cols"`
		Rows int `json:"rows"`
	} `json:"grid"`
	Tiles struct {
		File  string `json:"file"`
		Shape []int  `json:"shape"`
	} `json:"tiles"`
}

func readF32(t testing.TB, path string) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

func TestTilesMatchLlamaCpp(t *testing.T) {
	dir := visionFixtures(t)
	half := [3]float32{0.5, 0.5, 0.5}
	for _, name := range []string{"gradient-336x336", "wide-500x300", "tiny-60x40-rgba"} {
		t.Run(name, func(t *testing.T) {
			var g goldenTiles
			raw, err := os.ReadFile(filepath.Join(dir, "goldens", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &g); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(filepath.Join(dir, g.Image.File))
			if err != nil {
				t.Fatal(err)
			}
			img, err := Decode(data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			tiles, grid, err := Tiles(img, 336, DefaultMaxGrid)
			if err != nil {
				t.Fatal(err)
			}
			if grid.Cols != g.Grid.Cols || grid.Rows != g.Grid.Rows || len(tiles) != g.NTiles || grid.NumTiles() != g.NTiles {
				t.Fatalf("grid %+v with %d tiles, want %d×%d with %d", grid, len(tiles), g.Grid.Cols, g.Grid.Rows, g.NTiles)
			}
			want := readF32(t, filepath.Join(dir, "goldens", g.Tiles.File))
			per := 3 * 336 * 336
			if len(want) != per*g.NTiles {
				t.Fatalf("golden has %d floats, want %d", len(want), per*g.NTiles)
			}
			for i, tile := range tiles {
				got := Normalize(tile, half, half)
				diff := 0
				for j, v := range got {
					if math.Float32bits(v) != math.Float32bits(want[i*per+j]) {
						diff++
					}
				}
				if diff != 0 {
					t.Errorf("tile %d: %d of %d values differ from llama.cpp", i, diff, per)
				}
			}
		})
	}
}

func TestSelectGrid(t *testing.T) {
	tests := []struct {
		w, h       int
		cols, rows int
	}{
		{336, 336, 0, 0},
		{60, 40, 0, 0},
		{500, 300, 2, 1},
		{1024, 768, 3, 3}, // spec §7.2's worked example
		{337, 336, 2, 1},
		{300, 1000, 1, 3},
		{4000, 10, 3, 1},
	}
	for _, tt := range tests {
		g := SelectGrid(tt.w, tt.h, 336, DefaultMaxGrid)
		if g.Cols != tt.cols || g.Rows != tt.rows {
			t.Errorf("SelectGrid(%d×%d) = %d×%d, want %d×%d", tt.w, tt.h, g.Cols, g.Rows, tt.cols, tt.rows)
		}
	}
}

func TestTilesOfExtremeAspect(t *testing.T) {
	tests := []struct{ w, h int }{{5000, 1}, {1, 5000}, {337, 1}}
	for _, tt := range tests {
		tiles, g, err := Tiles(NewRGB(tt.w, tt.h), 336, DefaultMaxGrid)
		if err != nil {
			t.Fatalf("%d×%d: %v", tt.w, tt.h, err)
		}
		if len(tiles) != g.NumTiles() || !g.Tiled() {
			t.Fatalf("%d×%d: %d tiles for grid %+v", tt.w, tt.h, len(tiles), g)
		}
		for _, tile := range tiles {
			if tile.Width != 336 || tile.Height != 336 {
				t.Fatalf("%d×%d: tile is %d×%d", tt.w, tt.h, tile.Width, tile.Height)
			}
		}
	}
}
