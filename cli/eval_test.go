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
