package kvcache

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"hearth/engine"
	"hearth/storage"
)

// fixtures returns ../shared/fixtures beside the repository, or skips.
func fixtures(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures")
	if _, err := os.Stat(filepath.Join(dir, "goldens", "index.json")); err != nil {
		t.Skipf("fixtures not found at %s (CI puts shared/ beside the clone): %v", dir, err)
	}
	return dir
}

// golden is the part of a llama.cpp reference run these tests use.
type golden struct {
	Model     string   `json:"model"`
	PromptIDs []int32  `json:"prompt_ids"`
	Overrides []string `json:"-"`
	Prompt    struct {
		File  string `json:"file"`
		Shape []int  `json:"shape"`
	} `json:"prompt_logits"`
	Greedy struct {
		IDs []int32 `json:"ids"`
	} `json:"greedy"`
	dir          string
	promptLogits []float32
}

// chunk16 are the overrides that give the tiny scout model the 16-token
// attention chunks of the scout-f32-chunk16 golden (as the engine's own
// conformance tests apply them).
var chunk16 = []string{
	"llama4.attention.chunk_size=int:16",
	"llama4.attention.temperature_tuning.floor_scale=int:8",
	"llama4.attention.temperature_tuning.scale=float:0.1",
	"llama4.attention.temperature_tuning.offset=float:1",
}

func loadGolden(t testing.TB, name string) *golden {
	t.Helper()
	dir := fixtures(t)
	raw, err := os.ReadFile(filepath.Join(dir, "goldens", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	g := &golden{dir: dir}
	if err := json.Unmarshal(raw, g); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if name == "scout-f32-chunk16" {
		g.Overrides = chunk16
	}
	b, err := os.ReadFile(filepath.Join(dir, "goldens", g.Prompt.File))
	if err != nil {
		t.Fatal(err)
	}
	g.promptLogits = make([]float32, len(b)/4)
	for i := range g.promptLogits {
		g.promptLogits[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return g
}

func (g *golden) modelPath() string { return filepath.Join(g.dir, g.Model) }

// lastPromptLogits returns llama.cpp's logits after the whole prompt.
func (g *golden) lastPromptLogits() []float32 {
	vocab := g.Prompt.Shape[1]
	return g.promptLogits[len(g.promptLogits)-vocab:]
}

func maxAbsDiff(a, b []float32) float64 {
	var d float64
	for i := range a {
		d = max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

func argmax(v []float32) int32 {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return int32(best)
}

// greedy decodes n tokens from the session's current logits.
func greedy(t testing.TB, s *engine.Session, n int) []int32 {
	t.Helper()
	var out []int32
	for len(out) < n {
		id := argmax(s.Logits())
		out = append(out, id)
		if len(out) == n {
			break
		}
		if _, err := s.Decode(id); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// logRecorder collects a Cache's log lines.
type logRecorder struct {
	mu    sync.Mutex
	lines []string
}

func (l *logRecorder) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logRecorder) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// openDB opens a fresh database file in a temporary directory, recording
// the corrupt pages storage reports.
func openDB(t testing.TB) (*storage.DB, *[]*storage.CorruptPageError) {
	t.Helper()
	var corrupt []*storage.CorruptPageError
	var mu sync.Mutex
	db, err := storage.OpenWith(context.Background(), filepath.Join(t.TempDir(), storage.DatabaseFile), storage.Options{
		OnCorruptPage: func(e *storage.CorruptPageError) {
			mu.Lock()
			defer mu.Unlock()
			corrupt = append(corrupt, e)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, &corrupt
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
