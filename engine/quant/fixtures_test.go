package quant_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"hearth/engine/gguf"
	"hearth/engine/quant"
)

// fixturesDir is ../shared/fixtures relative to the repository root.
func fixturesDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures")
	if _, err := os.Stat(filepath.Join(dir, "dequant", "index.json")); err != nil {
		t.Skipf("llama.cpp fixtures not found at %s (they live beside the clone in CI): %v", dir, err)
	}
	return dir
}

func openModel(t *testing.T, path string) *gguf.File {
	t.Helper()
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestDequantizeFixtures compares Dequantize with ggml's own to_float
// output (dequant/*.f32) bit for bit, for every tensor in dequant/index.json.
func TestDequantizeFixtures(t *testing.T) {
	dir := fixturesDir(t)
	raw, err := os.ReadFile(filepath.Join(dir, "dequant", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index struct {
		Files map[string][]struct {
			Tensor string  `json:"tensor"`
			Type   string  `json:"type"`
			Ne     []int64 `json:"ggml_ne"`
			File   string  `json:"file"`
		} `json:"files"`
	}
	if err := json.Unmarshal(raw, &index); err != nil {
		t.Fatalf("dequant/index.json: %v", err)
	}
	if len(index.Files) == 0 {
		t.Fatal("dequant/index.json lists no files")
	}
	for model, entries := range index.Files {
		f := openModel(t, filepath.Join(dir, model))
		for _, e := range entries {
			t.Run(e.File, func(t *testing.T) {
				tn, ok := f.Tensor(e.Tensor)
				if !ok {
					t.Fatalf("%s: no tensor %q", model, e.Tensor)
				}
				if !strings.EqualFold(tn.Type.String(), e.Type) {
					t.Fatalf("%s: type %s, index says %s", e.Tensor, tn.Type, e.Type)
				}
				want := readF32(t, filepath.Join(dir, "dequant", e.File))
				got := make([]float32, tn.Elems())
				if len(got) != len(want) {
					t.Fatalf("%d elements, fixture has %d", len(got), len(want))
				}
				if err := quant.Dequantize(tn.Type, tn.Data, got); err != nil {
					t.Fatal(err)
				}
				bad := 0
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						if bad == 0 {
							t.Errorf("element %d: got %v, ggml %v", i, got[i], want[i])
						}
						bad++
					}
				}
				if bad > 0 {
					t.Fatalf("%d of %d elements differ", bad, len(got))
				}
				t.Logf("%s %s (%s): %d elements bit-exact", model, e.Tensor, tn.Type, len(got))
			})
		}
	}
}

func readF32(t *testing.T, path string) []float32 {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, len(raw)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out
}

// TestQuantizeWeightsFixtures re-creates llama-quantize's output from the
// F32 models: the F16, BF16, Q8_0 and Q4_0 files were made from them, so
// converting each F32 source tensor must give the same bytes.
func TestQuantizeWeightsFixtures(t *testing.T) {
	dir := fixturesDir(t)
	pairs := []struct{ src, dst string }{
		{"tiny-llama4-scout-f32.gguf", "tiny-llama4-scout-f16.gguf"},
		{"tiny-llama4-scout-f32.gguf", "tiny-llama4-scout-bf16.gguf"},
		{"tiny-llama4-scout-f32.gguf", "tiny-llama4-scout-q8_0.gguf"},
		{"tiny-llama4-scout-f32.gguf", "tiny-llama4-scout-q4_0.gguf"},
		{"tiny-llama3-f32.gguf", "tiny-llama3-q8_0.gguf"},
	}
	for _, p := range pairs {
		t.Run(p.dst, func(t *testing.T) {
			src := openModel(t, filepath.Join(dir, "models", p.src))
			dst := openModel(t, filepath.Join(dir, "models", p.dst))
			checked := 0
			for _, q := range dst.Tensors() {
				if q.Type == quant.F32 {
					continue
				}
				s, ok := src.Tensor(q.Name)
				if !ok {
					t.Fatalf("%s has no source tensor %q", p.src, q.Name)
				}
				x, err := s.F32()
				if err != nil {
					t.Fatal(err)
				}
				out := make([]byte, len(q.Data))
				if err := quant.QuantizeWeights(q.Type, x, out); err != nil {
					t.Fatalf("%s: %v", q.Name, err)
				}
				if !bytes.Equal(out, q.Data) {
					t.Errorf("%s (%s): bytes differ from llama-quantize's", q.Name, q.Type)
				}
				checked++
			}
			if checked == 0 {
				t.Fatalf("%s has no quantized tensors", p.dst)
			}
			t.Logf("%d tensors byte-identical to llama-quantize", checked)
		})
	}
}

// TestVecDotFixtureTensors runs VecDot over rows of every quantized tensor
// in the fixture models (real llama-quantize output, so real scale
// distributions) and compares with Σ w·â computed in float64 from the
// dequantized weights and activation blocks.
func TestVecDotFixtureTensors(t *testing.T) {
	dir := fixturesDir(t)
	models, err := filepath.Glob(filepath.Join(dir, "models", "*.gguf"))
	if err != nil || len(models) == 0 {
		t.Fatalf("no models in %s: %v", dir, err)
	}
	rng := rand.New(rand.NewPCG(21, 21))
	worst := map[quant.Type]float64{}
	for _, path := range models {
		f := openModel(t, path)
		for _, tn := range f.Tensors() {
			if tn.Type == quant.F32 || len(tn.Dims) < 2 {
				continue
			}
			if !quant.Supported(tn.Type) {
				t.Fatalf("%s: %s has unsupported type %s", filepath.Base(path), tn.Name, tn.Type)
			}
			n := int(tn.Dims[0])
			at := quant.VecDotType(tn.Type)
			actBytes, err := quant.RowBytes(at, n)
			if err != nil {
				t.Fatal(err)
			}
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			act := make([]byte, actBytes)
			if err := quant.Quantize(at, x, act); err != nil {
				t.Fatal(err)
			}
			xq := make([]float32, n)
			if err := quant.Dequantize(at, act, xq); err != nil {
				t.Fatal(err)
			}
			w := make([]float32, n)
			rb := tn.RowBytes()
			for r := 0; r < int(min(tn.Rows(), 8)); r++ {
				row := tn.Data[r*rb : (r+1)*rb]
				if err := quant.Dequantize(tn.Type, row, w); err != nil {
					t.Fatal(err)
				}
				var want, mag float64
				for i := range w {
					want += float64(w[i]) * float64(xq[i])
					mag += math.Abs(float64(w[i]) * float64(xq[i]))
				}
				got := float64(quant.VecDot(tn.Type, n, row, act))
				rel := math.Abs(got-want) / mag
				if rel > 1e-6 {
					t.Errorf("%s %s row %d: VecDot %v, Σ w·â %v (%.2g of Σ|w·â|)", filepath.Base(path), tn.Name, r, got, want, rel)
				}
				worst[tn.Type] = max(worst[tn.Type], rel)
			}
		}
	}
	for _, typ := range slices.Sorted(maps.Keys(worst)) {
		t.Logf("%s: max |VecDot − Σ w·â| / Σ|w·â| = %.3g", typ, worst[typ])
	}
}
