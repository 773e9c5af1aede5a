//go:build linux

package cuda

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"hearth/engine/backend"
	"hearth/engine/cpu"
	"hearth/engine/gguf"
)

// compareWithGoldens dequantizes, on dev, every tensor of the fixtures'
// dequant/index.json — real weights of the tiny models in F16, BF16, Q4_0,
// Q8_0, Q4_K and Q6_K — and compares the result with llama.cpp's own
// to_float output (the goldens the CPU path is held to in engine/quant).
// bitwise as in compareWithCPU.
func compareWithGoldens(t *testing.T, dev backend.Kernels, bitwise bool) {
	dir := filepath.Join("..", "..", "..", "..", "shared", "fixtures")
	raw, err := os.ReadFile(filepath.Join(dir, "dequant", "index.json"))
	if err != nil {
		t.Skipf("llama.cpp fixtures not found: %v", err)
	}
	var index struct {
		Files map[string][]struct {
			Tensor string `json:"tensor"`
			File   string `json:"file"`
		} `json:"files"`
	}
	if err := json.Unmarshal(raw, &index); err != nil {
		t.Fatal(err)
	}
	for model, entries := range index.Files {
		f, err := gguf.Open(filepath.Join(dir, model))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			t.Run(e.File, func(t *testing.T) {
				tn, ok := f.Tensor(e.Tensor)
				if !ok {
					t.Fatalf("%s: no tensor %s", model, e.Tensor)
				}
				if !Supports(tn.Type) {
					t.Skipf("no kernel for %s", tn.Type)
				}
				w, err := cpu.NewMatrix(tn.Type, int(tn.Dims[0]), int(tn.Rows()), tn.Data)
				if err != nil {
					t.Fatal(err)
				}
				got := make([]float32, w.Rows*w.Cols)
				if err := dev.Dequant(w, got); err != nil {
					t.Fatal(err)
				}
				gold, err := os.ReadFile(filepath.Join(dir, "dequant", e.File))
				if err != nil {
					t.Fatal(err)
				}
				if len(gold) != 4*len(got) {
					t.Fatalf("golden has %d values, tensor %d", len(gold)/4, len(got))
				}
				for i := range got {
					want := math.Float32frombits(binary.LittleEndian.Uint32(gold[4*i:]))
					if got[i] != want && (bitwise || math.Abs(float64(got[i]-want)) > 1e-6*math.Abs(float64(want))) {
						t.Fatalf("%s element %d: %g, llama.cpp %g", tn.Type, i, got[i], want)
					}
				}
			})
		}
		f.Close()
	}
}

// TestEmulatedDequantMatchesLlamaCpp runs the goldens through the emulator.
func TestEmulatedDequantMatchesLlamaCpp(t *testing.T) {
	compareWithGoldens(t, &Kernels{dev: newEmulator(t)}, true)
}

// TestGPUDequantMatchesLlamaCpp runs the goldens on a real GPU.
func TestGPUDequantMatchesLlamaCpp(t *testing.T) {
	compareWithGoldens(t, openGPU(t, Options{}).Kernels(), false)
}
