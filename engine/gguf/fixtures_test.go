package gguf

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// fixturesDir is the shared fixture folder beside the repository checkout.
var fixturesDir = filepath.Join("..", "..", "..", "shared", "fixtures")

// fixtureModels returns the paths of the fixture models, skipping the test
// when the shared fixtures are not beside this checkout.
func fixtureModels(t testing.TB) []string {
	paths, _ := filepath.Glob(filepath.Join(fixturesDir, "models", "*.gguf"))
	if len(paths) == 0 {
		t.Skipf("no fixture models in %s (the shared fixtures are not beside this checkout)", fixturesDir)
	}
	return paths
}

type modelIndex struct {
	Models map[string]struct {
		SizeBytes json.Number    `json:"size_bytes"`
		Metadata  map[string]any `json:"metadata"`
		Tensors   []struct {
			Name   string  `json:"name"`
			Type   string  `json:"type"`
			GGMLNe []int64 `json:"ggml_ne"`
		} `json:"tensors"`
	} `json:"models"`
}

// TestFixtureModelsMatchIndex opens every fixture model and checks every
// non-array metadata value and every tensor's name, type and shape against
// the index written by the fixture scripts (gguf-py).
func TestFixtureModelsMatchIndex(t *testing.T) {
	paths := fixtureModels(t)
	raw, err := os.ReadFile(filepath.Join(fixturesDir, "models", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx modelIndex
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&idx); err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		name := filepath.Base(path)
		want, ok := idx.Models[name]
		if !ok {
			t.Errorf("%s not in index.json", name)
			continue
		}
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if size, _ := want.SizeBytes.Int64(); f.Size() != size {
			t.Errorf("%s: size %d, index says %d", name, f.Size(), size)
		}
		for key, v := range want.Metadata {
			checkMeta(t, f, name, key, v)
		}
		if len(f.Tensors()) != len(want.Tensors) {
			t.Errorf("%s: %d tensors, index says %d", name, len(f.Tensors()), len(want.Tensors))
		}
		for i, wt := range want.Tensors {
			got, ok := f.Tensor(wt.Name)
			if !ok {
				t.Errorf("%s: tensor %s missing", name, wt.Name)
				continue
			}
			if f.Tensors()[i] != got {
				t.Errorf("%s: tensor %s not at position %d", name, wt.Name, i)
			}
			if got.Type.String() != wt.Type || !equalDims(got.Dims, wt.GGMLNe) {
				t.Errorf("%s: %s is %s %v, index says %s %v", name, wt.Name, got.Type, got.Dims, wt.Type, wt.GGMLNe)
			}
		}
		f.Close()
	}
}

func checkMeta(t *testing.T, f *File, file, key string, want any) {
	t.Helper()
	switch w := want.(type) {
	case string:
		if got, ok := f.String(key); !ok || got != w {
			t.Errorf("%s: %s = %q, want %q", file, key, got, w)
		}
	case bool:
		if got, ok := f.Bool(key); !ok || got != w {
			t.Errorf("%s: %s = %v, want %v", file, key, got, w)
		}
	case json.Number:
		wf, _ := w.Float64()
		got, ok := f.Float(key)
		if !ok || math.Abs(got-wf) > 1e-6*math.Max(1, math.Abs(wf)) {
			t.Errorf("%s: %s = %v, want %v", file, key, got, wf)
		}
		if _, isInt := w.Int64(); isInt == nil {
			if _, ok := f.Int(key); !ok {
				t.Errorf("%s: %s is not an integer", file, key)
			}
		}
	default:
		t.Errorf("%s: %s: unexpected index value %T", file, key, want)
	}
}

func equalDims(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestWriterReproducesFixtures rewrites each fixture model through Writer and
// expects the identical bytes: the fixtures were written by gguf-py, an
// independent writer of the same packed layout.
func TestWriterReproducesFixtures(t *testing.T) {
	for _, path := range fixtureModels(t) {
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		w := NewWriter()
		for _, k := range f.Keys() {
			v, _ := f.Value(k)
			w.Set(k, v)
		}
		for _, tn := range f.Tensors() {
			if err := w.AddTensor(tn.Name, tn.Type, tn.Dims, tn.Data); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if _, err := w.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		orig, _ := os.ReadFile(path)
		if !bytes.Equal(buf.Bytes(), orig) {
			t.Errorf("%s: rewritten file differs (%d vs %d bytes)", filepath.Base(path), buf.Len(), len(orig))
		}
		f.Close()
	}
}
