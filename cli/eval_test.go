package cli

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func sharedFixtures(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "fixtures")
	if _, err := os.Stat(filepath.Join(dir, "goldens", "index.json")); err != nil {
		t.Skip("shared fixtures absent (../shared/fixtures beside the repository):", err)
	}
	return dir
}

func readF32File(t *testing.T, path string) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

// TestEvalMatchesGolden runs `hearth eval` end to end on the chunk-16 Scout
// golden (which needs --override-kv) and compares its logits file and greedy
// ids with llama.cpp's.
func TestEvalMatchesGolden(t *testing.T) {
	dir := sharedFixtures(t)
	var run struct {
		Model     string  `json:"model"`
		PromptIDs []int32 `json:"prompt_ids"`
		Greedy    struct {
			IDs []int32 `json:"ids"`
		} `json:"greedy"`
		PromptLogits struct {
			File string `json:"file"`
		} `json:"prompt_logits"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "goldens", "scout-f32-chunk16.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &run); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, id := range run.PromptIDs {
		ids = append(ids, strconv.Itoa(int(id)))
	}
	out := filepath.Join(t.TempDir(), "logits.f32")
	var stdout, stderr bytes.Buffer
	code := runEval([]string{
		"--model", filepath.Join(dir, run.Model),
		"--tokens", strings.Join(ids, ","),
		"--logits-out", out,
		"--generate", "16",
		"--override-kv", "llama4.attention.chunk_size=int:16",
		"--override-kv", "llama4.attention.temperature_tuning.floor_scale=int:8",
	}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var res struct {
		Greedy []int32 `json:"greedy"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("stdout %q: %v", stdout.String(), err)
	}
	if !slices.Equal(res.Greedy, run.Greedy.IDs) {
		t.Errorf("greedy %v, want %v", res.Greedy, run.Greedy.IDs)
	}
	got := readF32File(t, out)
	want := readF32File(t, filepath.Join(dir, "goldens", run.PromptLogits.File))
	if len(got) != len(want) {
		t.Fatalf("%d logits, want %d", len(got), len(want))
	}
	worst := 0.0
	for i := range want {
		worst = max(worst, math.Abs(float64(got[i]-want[i])))
	}
	if worst > 1e-4 {
		t.Errorf("logits max |Δ| %.3g > 1e-4", worst)
	}
}

func TestEvalRejectsBadTokens(t *testing.T) {
	for _, args := range [][]string{
		{"--model", "x.gguf"},
		{"--model", "x.gguf", "--tokens", "1,two,3"},
	} {
		var stdout, stderr bytes.Buffer
		if code := runEval(args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// TestEvalImageEmbeddings writes each vision golden image's embeddings with
// `hearth eval --image --embeddings-out` and compares them with llama.cpp's
// within the vision README's 1e-2 absolute tolerance; two images give their
// rows one after the other.
func TestEvalImageEmbeddings(t *testing.T) {
	mmproj, images := visionFixtures(t)
	goldens := filepath.Join(filepath.Dir(images), "goldens")
	names := []string{"gradient-336x336", "wide-500x300", "tiny-60x40-rgba"}
	var all []float32
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "embd.f32")
			var stdout, stderr bytes.Buffer
			if code := runEval([]string{"--mmproj", mmproj, "--image", filepath.Join(images, name+".png"), "--embeddings-out", out}, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			got, want := readF32File(t, out), readF32File(t, filepath.Join(goldens, name+".embd.f32"))
			all = append(all, want...)
			if len(got) != len(want) {
				t.Fatalf("%d values, want %d (stdout %s)", len(got), len(want), stdout.String())
			}
			worst := 0.0
			for i := range want {
				worst = max(worst, math.Abs(float64(got[i]-want[i])))
			}
			t.Logf("%s: %d rows, max |Δ| %.3g", name, len(want)/64, worst)
			if worst > 1e-2 {
				t.Errorf("embeddings max |Δ| %.3g > 1e-2", worst)
			}
		})
	}
	out := filepath.Join(t.TempDir(), "both.f32")
	var stdout, stderr bytes.Buffer
	args := []string{"--mmproj", mmproj, "--embeddings-out", out}
	for _, name := range names {
		args = append(args, "--image", filepath.Join(images, name+".png"))
	}
	if code := runEval(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if got := readF32File(t, out); len(got) != len(all) {
		t.Errorf("three images gave %d values, want %d", len(got), len(all))
	}
	if code := runEval([]string{"--image", filepath.Join(images, names[0]+".png"), "--embeddings-out", out}, &stdout, &stderr); code != 2 {
		t.Errorf("--image without --mmproj: exit %d, want 2", code)
	}
}

// TestEvalTextWithImages runs the text model on each vision golden's
// sequence with the image encoded by `hearth eval --image`: the logits from
// the last image position on must match llama.cpp's within the vision
// README's 1e-2 (own embeddings), and the greedy ids too.
func TestEvalTextWithImages(t *testing.T) {
	dir := sharedFixtures(t)
	mmproj, images := visionFixtures(t)
	goldens := filepath.Join(filepath.Dir(images), "goldens")
	for _, name := range []string{"gradient-336x336", "wide-500x300", "tiny-60x40-rgba"} {
		t.Run(name, func(t *testing.T) {
			var g struct {
				Sequence struct {
					IDs []int32 `json:"ids_with_patch_placeholder"`
				} `json:"sequence"`
				PromptLogits struct {
					File string `json:"file"`
				} `json:"prompt_logits"`
				Greedy struct {
					IDs []int32 `json:"ids"`
				} `json:"greedy"`
			}
			b, err := os.ReadFile(filepath.Join(goldens, name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &g); err != nil {
				t.Fatal(err)
			}
			ids := make([]string, len(g.Sequence.IDs))
			for i, id := range g.Sequence.IDs {
				ids[i] = strconv.Itoa(int(id))
			}
			out := filepath.Join(t.TempDir(), "logits.f32")
			var stdout, stderr bytes.Buffer
			code := runEval([]string{"--model", filepath.Join(dir, "models", "tiny-llama4-scout-f32.gguf"),
				"--mmproj", mmproj, "--image", filepath.Join(images, name+".png"),
				"--tokens", strings.Join(ids, ","), "--logits-out", out, "--generate", "16"}, &stdout, &stderr)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			got, want := readF32File(t, out), readF32File(t, filepath.Join(goldens, g.PromptLogits.File))
			if len(got) != len(want) {
				t.Fatalf("%d logits, want %d", len(got), len(want))
			}
			worst := 0.0
			for i := range want {
				worst = max(worst, math.Abs(float64(got[i]-want[i])))
			}
			t.Logf("%s: logits max |Δ| %.3g", name, worst)
			if worst > 1e-2 {
				t.Errorf("logits max |Δ| %.3g > 1e-2", worst)
			}
			var res struct {
				Greedy []int32 `json:"greedy"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
				t.Fatalf("stdout %q: %v", stdout.String(), err)
			}
			if !slices.Equal(res.Greedy, g.Greedy.IDs) {
				t.Errorf("greedy %v, llama.cpp %v", res.Greedy, g.Greedy.IDs)
			}
		})
	}
}
