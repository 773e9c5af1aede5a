package vision_test

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"hearth/engine"
	"hearth/engine/chat"
	"hearth/engine/kv"
	"hearth/engine/model/vision"
	"hearth/engine/tokenizer"
)

// textGolden is the part of goldens/<image>.json the text-model test uses.
type textGolden struct {
	Image struct {
		File string `json:"file"`
	} `json:"image"`
	Embeddings struct {
		File string `json:"file"`
	} `json:"embeddings"`
	Sequence struct {
		IDs  []int32 `json:"ids_with_patch_placeholder"`
		Mask []int   `json:"image_position_mask"`
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
		File string `json:"file"`
	} `json:"gen_logits"`
}

func f32File(t *testing.T, path string) []float32 {
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

func maxDiff(a, b []float32) float64 {
	worst := 0.0
	for i := range a {
		d := math.Abs(float64(a[i]) - float64(b[i]))
		if d > worst || math.IsNaN(d) {
			worst = d
		}
	}
	return worst
}

func argmax(x []float32) int32 {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return int32(best)
}

// TestTextLogitsWithImage is the whole image path end to end: Preprocess
// and Encode each golden image, lay out the prompt with chat.Encode, feed
// it to the text model with Session.PrefillEmbeddings, and compare the
// logits and greedy tokens with llama.cpp's — once with the golden
// embeddings (isolating the text side) and once with ours.
func TestTextLogitsWithImage(t *testing.T) {
	fx := filepath.Join("..", "..", "..", "..", "shared", "fixtures")
	dir := filepath.Join(fx, "vision")
	textModel := filepath.Join(fx, "models", "tiny-llama4-scout-f32.gguf")
	for _, path := range []string{filepath.Join(dir, "goldens", "index.json"), textModel} {
		if _, err := os.Stat(path); err != nil {
			t.Skipf("fixtures not available: %v", err)
		}
	}
	p, err := vision.Load(filepath.Join(dir, "tiny-llama4-mmproj-f32.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	m, err := engine.Load(textModel, engine.LoadOptions{ContextLen: 512})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if p.EmbedDim() != m.Config().Embd {
		t.Fatalf("projector width %d, text model n_embd %d", p.EmbedDim(), m.Config().Embd)
	}
	tok, err := tokenizer.FromGGUF(m.File())
	if err != nil {
		t.Fatal(err)
	}
	var idx struct {
		Goldens []string `json:"goldens"`
	}
	readJSONFile(t, filepath.Join(dir, "goldens", "index.json"), &idx)
	for _, name := range idx.Goldens {
		t.Run(name, func(t *testing.T) {
			var g textGolden
			readJSONFile(t, filepath.Join(dir, "goldens", name+".json"), &g)
			data, err := os.ReadFile(filepath.Join(dir, g.Image.File))
			if err != nil {
				t.Fatal(err)
			}
			img, err := p.Preprocess(data)
			if err != nil {
				t.Fatal(err)
			}
			msgs := []chat.Message{{Role: "user", Content: "What colours do you see?", Images: 1}}
			prompt, err := chat.Encode(chat.Llama4{}, tok, msgs, true, []chat.ImageGrid{chat.ImageGrid(p.Grid(img))}, chat.LayoutLlamaCpp)
			if err != nil {
				t.Fatal(err)
			}
			var wantPositions []int
			for i, mk := range g.Sequence.Mask {
				if mk == 1 {
					wantPositions = append(wantPositions, i)
				}
			}
			if !slices.Equal(prompt.IDs, g.Sequence.IDs) || !slices.Equal(prompt.ImagePositions, wantPositions) {
				t.Fatalf("prompt (%d ids, %d image positions) differs from llama.cpp's (%d, %d)",
					len(prompt.IDs), len(prompt.ImagePositions), len(g.Sequence.IDs), len(wantPositions))
			}

			ours, err := p.Encode(img)
			if err != nil {
				t.Fatal(err)
			}
			flat := f32File(t, filepath.Join(dir, "goldens", g.Embeddings.File))
			golden := make([][]float32, len(flat)/p.EmbedDim())
			for r := range golden {
				golden[r] = flat[r*p.EmbedDim() : (r+1)*p.EmbedDim()]
			}
			for _, run := range []struct {
				name string
				rows [][]float32
				tol  float64 // fixtures README
			}{
				{"golden embeddings", golden, 1e-4},
				{"our embeddings", ours, 1e-2},
			} {
				pl, gl := runText(t, m, prompt, run.rows, g)
				wantPL := f32File(t, filepath.Join(dir, "goldens", g.PromptLogits.File))
				wantGL := f32File(t, filepath.Join(dir, "goldens", g.GenLogits.File))
				dp, dg := maxDiff(pl, wantPL), maxDiff(gl, wantGL)
				t.Logf("%s: logits max |Δ| prompt %.3g, generation %.3g", run.name, dp, dg)
				if dp > run.tol || dg > run.tol {
					t.Errorf("%s: logits max |Δ| prompt %g, generation %g exceed %g", run.name, dp, dg, run.tol)
				}
				vocab := m.VocabSize()
				greedy := []int32{argmax(pl[len(pl)-vocab:])}
				for i := 0; i+1 < len(g.Greedy.IDs); i++ {
					greedy = append(greedy, argmax(gl[i*vocab:(i+1)*vocab]))
				}
				if !slices.Equal(greedy, g.Greedy.IDs) {
					t.Errorf("%s: greedy %v, want %v", run.name, greedy, g.Greedy.IDs)
				}
			}
		})
	}
}

// runText feeds the prompt with rows at its image positions and returns
// the prompt logits from the golden's first stored position on, and the
// logits after each of the golden's greedy tokens.
func runText(t *testing.T, m *engine.Model, prompt chat.Prompt, rows [][]float32, g textGolden) (promptLogits, genLogits []float32) {
	t.Helper()
	embd, err := vision.Scatter(len(prompt.IDs), prompt.ImagePositions, rows)
	if err != nil {
		t.Fatal(err)
	}
	// The goldens ran with an f32 KV cache.
	s, err := m.NewSession(engine.SessionOptions{ContextLen: 512, KVType: kv.F32})
	if err != nil {
		t.Fatal(err)
	}
	first := g.PromptLogits.FirstPosition
	if err := s.PrefillEmbeddings(prompt.IDs[:first+1], embd[:first+1]); err != nil {
		t.Fatal(err)
	}
	promptLogits = slices.Clone(s.Logits())
	rest, err := s.PrefillLogits(prompt.IDs[first+1:], true)
	if err != nil {
		t.Fatal(err)
	}
	promptLogits = append(promptLogits, rest...)
	for _, id := range g.Greedy.IDs {
		l, err := s.Decode(id)
		if err != nil {
			t.Fatal(err)
		}
		genLogits = append(genLogits, l...)
	}
	return promptLogits, genLogits
}

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
