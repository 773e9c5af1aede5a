package vision

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// fixtureDir is the shared llama.cpp reference directory beside the
// repository root.
func fixtureDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "..", "shared", "fixtures", "vision")
	if _, err := os.Stat(filepath.Join(dir, "goldens", "index.json")); err != nil {
		t.Skipf("vision fixtures not available at %s: %v", dir, err)
	}
	return dir
}

// golden is the part of goldens/<image>.json the tests use.
type golden struct {
	Image struct {
		File   string `json:"file"`
		Width  int    `json:"width"`
		Height int    `json:"height"`
		SHA256 string `json:"sha256"`
	} `json:"image"`
	NTiles int `json:"n_tiles"`
	Grid   struct {
		Cols int `json:"cols"`
		Rows int `json:"rows"`
	} `json:"grid"`
	Tiles struct {
		File string `json:"file"`
	} `json:"tiles"`
	NImageTokens  int `json:"n_image_tokens"`
	TokensPerTile int `json:"image_tokens_per_tile"`
	Embeddings    struct {
		File  string `json:"file"`
		Shape []int  `json:"shape"`
	} `json:"embeddings"`
	Chunks []struct {
		Type          string  `json:"type"`
		IDs           []int32 `json:"ids"`
		FirstPosition int     `json:"first_position"`
	} `json:"chunks"`
	Sequence struct {
		NPositions int     `json:"n_positions"`
		IDs        []int32 `json:"ids_with_patch_placeholder"`
		Mask       []int   `json:"image_position_mask"`
	} `json:"sequence"`
	PromptLogits struct {
		File          string `json:"file"`
		Shape         []int  `json:"shape"`
		FirstPosition int    `json:"first_position"`
	} `json:"prompt_logits"`
	Greedy struct {
		IDs    []int32   `json:"ids"`
		Margin []float64 `json:"top1_minus_top2_margin"`
	} `json:"greedy"`
	GenLogits struct {
		File  string `json:"file"`
		Shape []int  `json:"shape"`
	} `json:"gen_logits"`
	Intermediates *struct {
		File    string `json:"file"`
		Tensors []struct {
			Label       string `json:"label"`
			Offset      int    `json:"offset_bytes"`
			Size        int    `json:"size_bytes"`
			GGMLNe      []int  `json:"ggml_ne"`
			LlamaCppTag string `json:"llama_cpp_name"`
		} `json:"tensors"`
	} `json:"intermediates"`
}

func goldenNames(t testing.TB, dir string) []string {
	t.Helper()
	var idx struct {
		Goldens []string `json:"goldens"`
	}
	readJSON(t, filepath.Join(dir, "goldens", "index.json"), &idx)
	if len(idx.Goldens) == 0 {
		t.Fatal("goldens/index.json lists no goldens")
	}
	return idx.Goldens
}

func loadGolden(t testing.TB, dir, name string) *golden {
	t.Helper()
	var g golden
	readJSON(t, filepath.Join(dir, "goldens", name+".json"), &g)
	return &g
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
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

func loadFixtureProjector(t testing.TB, dir string) *Projector {
	t.Helper()
	p, err := Load(filepath.Join(dir, "tiny-llama4-mmproj-f32.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// maxAbsDiff returns max |a[i] − b[i]| and the index where it occurs.
func maxAbsDiff(a, b []float32) (float64, int) {
	worst, at := 0.0, -1
	for i := range a {
		if d := math.Abs(float64(a[i]) - float64(b[i])); d > worst || math.IsNaN(d) {
			worst, at = d, i
			if math.IsNaN(d) {
				return math.Inf(1), i
			}
		}
	}
	return worst, at
}
