package engine

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"hearth/engine/internal/golden"
	"hearth/engine/kv"
)

// f16Fragile is the router gap below which the f16 cache may route a
// position differently from llama.cpp's f32 cache. A gap changes by at most
// twice the largest change of a router logit, which the f16 cache keeps
// near 4e-3 on these models (the test checks it stays under f16Fragile/2),
// so a larger gap cannot flip. It is tighter than the quantized goldens'
// fragileMargin because the f16 cache perturbs less than quantized weights,
// and at 0.05 no position of scout-f32 (a 0.041 gap at position 0) would
// be compared at all.
const f16Fragile = 0.02

// f16Tolerance bounds |Δlogit| of the f16 cache against an f32-cache golden
// at positions whose routing cannot have flipped: the README's check for
// llama.cpp's F16 path. llama.cpp's own f16 cache moves scout-f32 by 3.2e-3
// and its flash attention by 6.9e-3 (goldens/noise.json).
const f16Tolerance = 0.02

// goldenRouting reads a run's moe_routing record (absent for dense
// models): the MoE layers and, per layer and prompt position, the gap
// between llama.cpp's top-1 and top-2 router logits.
func goldenRouting(t *testing.T, run *golden.Run) (layers []int, margins [][]float64) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(run.Dir, "goldens", run.Name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Routing *struct {
			Layers  []int       `json:"layers"`
			Margins [][]float64 `json:"top1_minus_top2_router_logit"`
		} `json:"moe_routing"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: moe_routing: %v", run.Name, err)
	}
	if doc.Routing == nil {
		return nil, nil
	}
	return doc.Routing.Layers, doc.Routing.Margins
}

// unstable returns the prompt positions a routing flip could reach. A
// router gap below f16Fragile at layer l, position p may pick another
// top-1 expert than llama.cpp (an O(1) change of that row); unless l is the
// last layer, the changed row becomes keys and values every later position
// attends to, so positions p, p+1, … are all unstable.
func unstable(layers []int, margins [][]float64, nLayers, n int) map[int]bool {
	out := map[int]bool{}
	from := n
	for li, l := range layers {
		for p, m := range margins[li] {
			switch {
			case m >= f16Fragile:
			case l == nLayers-1:
				out[p] = true
			default:
				from = min(from, p)
			}
		}
	}
	for p := from; p < n; p++ {
		out[p] = true
	}
	return out
}

// TestF16CacheCloseToGolden runs the default f16 cache against llama.cpp's
// f32-cache goldens position by position: within f16Tolerance and with the
// same argmax at the positions no fragile routing decision reaches; a top-1
// expert that differs from our f32-cache run only where a fragile decision
// reaches; and the f16 cache's own change of the router logits there below
// f16Fragile/2, which is what makes that gap a safe cut.
func TestF16CacheCloseToGolden(t *testing.T) {
	for _, c := range []struct {
		name    string
		minRows int // positions that must stay comparable
	}{
		{"llama3-f32", 48},
		{"scout-f32", 1},
		{"scout-f32-chunk16", 1},
		{"maverick-f32", 13},
		{"maverick-f32-chunk16", 13},
	} {
		t.Run(c.name, func(t *testing.T) {
			run, ids := goldenRun(t, c.name)
			want, err := run.ReadPromptLogits()
			if err != nil {
				t.Fatal(err)
			}
			m, err := Load(run.ModelPath(), LoadOptions{Overrides: run.Overrides(), Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			layers, margins := goldenRouting(t, run)
			skip := unstable(layers, margins, m.Config().Layers, len(ids))

			router := map[kv.Type]map[int][]float32{}
			logits := map[kv.Type][]float32{}
			for _, kt := range []kv.Type{kv.F32, kv.F16} {
				s, err := m.NewSession(SessionOptions{ContextLen: 64, KVType: kt})
				if err != nil {
					t.Fatal(err)
				}
				router[kt] = map[int][]float32{}
				s.SetTrace(func(label string, layer int, vals []float32) {
					if label == "router_logits" {
						router[kt][layer] = append(router[kt][layer], vals...)
					}
				})
				got, err := s.PrefillLogits(ids, true)
				if err != nil {
					t.Fatal(err)
				}
				logits[kt] = got
			}

			nx := m.Config().Experts
			var moved float64
			for li, l := range layers {
				a, b := router[kv.F32][l], router[kv.F16][l]
				for p := range ids {
					ra, rb := a[p*nx:(p+1)*nx], b[p*nx:(p+1)*nx]
					if skip[p] {
						continue
					}
					if argmax(ra) != argmax(rb) {
						t.Errorf("layer %d position %d: the f16 cache picks expert %d, the f32 cache %d, at a router gap of %.3g", l, p, argmax(rb), argmax(ra), margins[li][p])
					}
					for e := range ra {
						moved = max(moved, math.Abs(float64(ra[e]-rb[e])))
					}
				}
			}
			if moved > f16Fragile/2 {
				t.Errorf("the f16 cache moves router logits by %.3g at stable positions: a %g gap is no safe cut", moved, f16Fragile)
			}

			v := m.VocabSize()
			d := compareLogits(logits[kv.F16], want, v, skip)
			t.Logf("f16 cache: max |Δ| %.3g (row %d), argmax equal %d/%d, router logits moved ≤ %.3g; %d positions after fragile routing skipped",
				d.maxAbs, d.maxRow, d.argmaxSame, d.rows, moved, len(skip))
			if d.rows < c.minRows {
				t.Fatalf("only %d positions comparable, want ≥ %d", d.rows, c.minRows)
			}
			if d.maxAbs > f16Tolerance {
				t.Errorf("f16 cache: max |Δ| %.3g at position %d > %g", d.maxAbs, d.maxRow, f16Tolerance)
			}
			if d.argmaxSame*10 < d.rows*9 {
				t.Errorf("f16 cache: argmax equal at only %d of %d positions", d.argmaxSame, d.rows)
			}
		})
	}
}
