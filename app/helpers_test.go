package app

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// recorder is an Emitter that keeps every event for the test to inspect.
type recorder struct {
	mu     sync.Mutex
	events []recorded
	notify chan struct{}
}

type recorded struct {
	name string
	data any
}

func newRecorder() *recorder { return &recorder{notify: make(chan struct{}, 1)} }

// Emit records an event and wakes a waiting test.
func (r *recorder) Emit(name string, data any) {
	r.mu.Lock()
	r.events = append(r.events, recorded{name, data})
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

// named returns the payloads of the events called name, in order.
func (r *recorder) named(name string) []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []any
	for _, e := range r.events {
		if e.name == name {
			out = append(out, e.data)
		}
	}
	return out
}

// waitFor waits until cond holds, checking after every event and every
// 20 ms. It has no deadline of its own, which a slow machine could miss:
// only the test binary's -timeout ends a wait that never ends, and a
// minute before that it fails the test naming what it waited for.
func (r *recorder) waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	var hang <-chan time.Time
	if tt, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if d, ok := tt.Deadline(); ok {
			hang = time.After(time.Until(d) - time.Minute)
		}
	}
	for !cond() {
		select {
		case <-r.notify:
		case <-time.After(20 * time.Millisecond):
		case <-hang:
			t.Fatalf("still waiting for %s when the test binary's -timeout was a minute away", what)
		}
	}
}

// fixtureModel returns the path of a fixture model, skipping the test when
// the shared fixtures are not beside the repository.
func fixtureModel(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "fixtures", "models", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("fixture %s not found (../shared/fixtures beside the repository): %v", name, err)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// fixtureSHA256 reads a fixture model's sha256 from the fixtures' index.
func fixtureSHA256(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "shared", "fixtures", "models", "index.json"))
	if err != nil {
		t.Skipf("fixture index not found: %v", err)
	}
	var idx struct {
		Models map[string]struct {
			SHA256 string `json:"sha256"`
		} `json:"models"`
	}
	if err := json.Unmarshal(b, &idx); err != nil {
		t.Fatal(err)
	}
	sum := idx.Models[name].SHA256
	if sum == "" {
		t.Fatalf("index.json has no sha256 for %s", name)
	}
	return sum
}

// openApp opens an App over dataDir with a recorder, shutting it down when
// the test ends.
func openApp(t testing.TB, dataDir string, cfg Config) (*App, *recorder) {
	t.Helper()
	rec := newRecorder()
	cfg.DataDir, cfg.Events = dataDir, rec
	cfg.Logf = t.Logf
	a := New(cfg)
	if err := a.open(t.Context()); err != nil {
		t.Fatal(err)
	}
	// shutdown is idempotent, so a test may also call it itself.
	t.Cleanup(func() { a.shutdown(context.Background()) })
	return a, rec
}

const tinyScout = "tiny-llama4-scout-f32.gguf"

// loadTiny adds and loads the tiny Llama 4 fixture, waiting until it is ready.
func loadTiny(t testing.TB, a *App, rec *recorder) ModelInfo {
	t.Helper()
	mi, err := a.AddModel(fixtureModel(t, tinyScout))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.LoadModel(mi.ID); err != nil {
		t.Fatal(err)
	}
	// model:status is the load's last event.
	rec.waitFor(t, "the model to load", func() bool {
		for _, e := range rec.named(EventModelStatus) {
			if e.(Status).ModelLoaded {
				return true
			}
		}
		return len(failedLoads(rec)) > 0
	})
	if f := failedLoads(rec); len(f) > 0 {
		t.Fatalf("load failed: %s", f[0].Error)
	}
	return mi
}

func failedLoads(rec *recorder) []ModelLoadEvent {
	var out []ModelLoadEvent
	for _, e := range rec.named(EventModelLoad) {
		if ev := e.(ModelLoadEvent); ev.Stage == "failed" {
			out = append(out, ev)
		}
	}
	return out
}
