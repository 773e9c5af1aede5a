package model

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"hearth/engine/cpu"
	"hearth/engine/gguf"
	"hearth/engine/internal/golden"
	"hearth/engine/kv"
)

func fixtures(t *testing.T) string {
	t.Helper()
	dir, err := golden.Dir()
	if errors.Is(err, golden.ErrNoFixtures) {
		t.Skip("shared fixtures absent:", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestActivations compares every intermediate tensor llama.cpp captured for
// the three runs that have them, layer by layer, so a failure names the first
// layer and label that disagree.
func TestActivations(t *testing.T) {
	dir := fixtures(t)
	for _, name := range []string{"llama3-f32", "scout-f32", "maverick-f32"} {
		t.Run(name, func(t *testing.T) {
			run, err := golden.Load(dir, name)
			if err != nil {
				t.Fatal(err)
			}
			f, err := gguf.Open(run.ModelPath())
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			m, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			pool := cpu.NewPool(2)
			defer pool.Close()
			ids, _ := run.Prompt()
			st := NewState(m, pool, len(ids), 256, false)
			got := map[string][]float32{}
			st.Trace = func(label string, layer int, vals []float32) {
				got[fmt.Sprintf("%s/%d", label, layer)] = append([]float32(nil), vals...)
			}
			cache, err := kv.New(kv.Config{Chunked: m.Config.ChunkedLayers(), KVDim: m.Config.KVDim(), Context: 256, Chunk: max(m.Config.Chunk, 1), Type: kv.F32})
			if err != nil {
				t.Fatal(err)
			}
			logits := make([]float32, len(ids)*m.Config.Vocab)
			if err := m.Forward(st, cache, ids, nil, 0, true, logits); err != nil {
				t.Fatal(err)
			}
			for _, a := range run.Activations.Tensors {
				layer := -1
				if a.Layer != nil {
					layer = *a.Layer
				}
				key := fmt.Sprintf("%s/%d", a.Label, layer)
				want, err := run.ReadActivation(a)
				if err != nil {
					t.Fatal(err)
				}
				have, ok := got[key]
				if !ok {
					t.Errorf("layer %d %s: not produced", layer, a.Label)
					continue
				}
				if len(have) != len(want) {
					t.Errorf("layer %d %s: %d values, want %d", layer, a.Label, len(have), len(want))
					continue
				}
				worst, at := 0.0, 0
				for i := range want {
					if d := math.Abs(float64(have[i] - want[i])); d > worst {
						worst, at = d, i
					}
				}
				tol := 1e-4
				if a.DType == "int32" {
					tol = 0
				}
				if worst > tol {
					t.Errorf("layer %d %s: max |Δ| %.3g at %d (have %g, want %g)", layer, a.Label, worst, at, have[at], want[at])
				} else {
					t.Logf("layer %d %-14s max |Δ| %.2g", layer, a.Label, worst)
				}
			}
		})
	}
}
