package simd

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"hearth/engine/gguf"
	"hearth/engine/quant"
)

// fixturesDir is ../shared/fixtures beside the repository root.
var fixturesDir = filepath.Join("..", "..", "..", "shared", "fixtures")

// dequantIndex is fixtures/dequant/index.json: tensors of the tiny models
// as ggml's own to_float expands them.
type dequantIndex struct {
	Files map[string][]struct {
		Tensor string  `json:"tensor"`
		Type   string  `json:"type"`
		Ne     []int64 `json:"ggml_ne"`
		File   string  `json:"file"`
	} `json:"files"`
}

// TestMatVecMatchesLlamaCppDequant checks the kernels on real tensors that
// llama-quantize wrote, against an independent reference: ggml's own
// dequantization of each row, dotted in float64 with the dequantized
// activations.
func TestMatVecMatchesLlamaCppDequant(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(fixturesDir, "dequant", "index.json"))
	if err != nil {
		t.Skipf("fixtures not available (%v); they live in ../shared/fixtures beside the repository", err)
	}
	var idx dequantIndex
	if err := json.Unmarshal(raw, &idx); err != nil {
		t.Fatalf("dequant index: %v", err)
	}
	cases := 0
	for model, entries := range idx.Files {
		f, err := gguf.Open(filepath.Join(fixturesDir, model))
		if err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		defer f.Close()
		for _, e := range entries {
			tensor, ok := f.Tensor(e.Tensor)
			if !ok {
				t.Fatalf("%s: no tensor %q", model, e.Tensor)
			}
			want, err := os.ReadFile(filepath.Join(fixturesDir, "dequant", e.File))
			if err != nil {
				t.Fatalf("%s: %v", e.File, err)
			}
			t.Run(fmt.Sprintf("%s/%s", filepath.Base(model), e.Tensor), func(t *testing.T) {
				checkAgainstDequant(t, tensor, want)
			})
			cases++
		}
	}
	if cases == 0 {
		t.Fatal("the dequant index lists no tensors")
	}
}

func checkAgainstDequant(t *testing.T, tensor *gguf.Tensor, deq []byte) {
	typ, n := tensor.Type, int(tensor.Dims[0])
	rows, rb := int(tensor.Rows()), tensor.RowBytes()
	if len(deq) != 4*n*rows {
		t.Fatalf("dequantized file holds %d bytes, want %d", len(deq), 4*n*rows)
	}
	vt := quant.VecDotType(typ)
	rng := rand.New(rand.NewPCG(uint64(typ), uint64(n)))
	src := make([]float32, n)
	for i := range src {
		src[i] = float32(rng.NormFloat64())
	}
	ab, _ := quant.RowBytes(vt, n)
	act := make([]byte, ab)
	if err := QuantizeActivation(vt, src, act); err != nil {
		t.Fatal(err)
	}
	y := make([]float32, n)
	if err := quant.Dequantize(vt, act, y); err != nil {
		t.Fatal(err)
	}
	// ggml's dequantized rows round each weight once or twice more than the
	// integer dot products do: four more rounding terms cover that.
	k := roundingTerms(typ, n) + 4
	withVariant(t, func(t *testing.T) {
		out := make([]float32, rows)
		if err := MatVec(typ, n, tensor.Data, rb, rows, act, out); err != nil {
			t.Fatal(err)
		}
		var worst float64
		for r := range rows {
			var ref float64
			for i := range n {
				x := math.Float32frombits(binary.LittleEndian.Uint32(deq[4*(r*n+i):]))
				ref += float64(x) * float64(y[i])
			}
			s := magnitude(t, typ, n, tensor.Data[r*rb:(r+1)*rb], act)
			diff := math.Abs(float64(out[r]) - ref)
			if diff > k*0x1p-24*s {
				t.Errorf("row %d: got %g, llama.cpp dequant gives %g: |Δ| = %g > %g", r, out[r], ref, diff, k*0x1p-24*s)
			}
			if s > 0 {
				worst = max(worst, diff/s)
			}
		}
		t.Logf("%s, %d rows of %d: max |Δ|/S = %.3g", typ, rows, n, worst)
	})
}
