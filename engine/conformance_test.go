package engine

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"hearth/engine/internal/golden"
	"hearth/engine/kv"
)

func fixtures(t testing.TB) string {
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

// diff summarises how far have is from want, row by row (rows of vocab).
type diff struct {
	maxAbs, rms    float64
	maxRow         int
	argmaxSame     int
	rows           int
	firstArgmaxBad int
}

func compareLogits(have, want []float32, vocab int, skip map[int]bool) diff {
	d := diff{firstArgmaxBad: -1}
	var sq float64
	var cnt int
	for r := 0; r*vocab < len(want); r++ {
		if skip[r] {
			continue
		}
		h, w := have[r*vocab:(r+1)*vocab], want[r*vocab:(r+1)*vocab]
		d.rows++
		for i := range w {
			e := math.Abs(float64(h[i] - w[i]))
			if e > d.maxAbs {
				d.maxAbs, d.maxRow = e, r
			}
			sq += e * e
			cnt++
		}
		if a := argmax(h); a == argmax(w) || w[argmax(w)]-w[a] < nearTie {
			d.argmaxSame++
		} else if d.firstArgmaxBad < 0 {
			d.firstArgmaxBad = r
		}
	}
	d.rms = math.Sqrt(sq / float64(max(cnt, 1)))
	return d
}

// nearTie is the gap below which the golden's top-1 and the engine's
// choice count as a tie: quantized-path logits differ from llama.cpp's by
// up to ~0.1 from summation order across Q8 rounding boundaries, so a
// closer pair may come out either way in a correct implementation.
const nearTie = 0.05

func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// goldenResult is what the engine computed for a golden run: prompt logits,
// the logits after feeding each of the golden's greedy tokens, and its own
// greedy choices along the way.
type goldenResult struct {
	prompt, gen []float32
	greedy      []int32
	vocab       int
	// genMargin[j] is the smallest top-1 − top-2 router logit over the MoE
	// layers at generation step j (+Inf for dense models): where it is tiny,
	// the top-1 choice can flip between two correct implementations.
	genMargin []float64
}

// routerMargin returns the smallest top-1 − top-2 gap of each row of
// router logits (rows of experts values).
func routerMargin(vals []float32, experts int) float64 {
	m := math.Inf(1)
	for r := 0; r+experts <= len(vals); r += experts {
		row := vals[r : r+experts]
		i := argmax(row)
		second := float32(math.Inf(-1))
		for j, v := range row {
			if j != i && v > second {
				second = v
			}
		}
		m = min(m, float64(row[i]-second))
	}
	return m
}

func runGolden(t *testing.T, run *golden.Run, reference bool) goldenResult {
	t.Helper()
	m, err := Load(run.ModelPath(), LoadOptions{Overrides: run.Overrides(), ReferenceMath: reference, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ids, err := run.Prompt()
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.NewSession(SessionOptions{ContextLen: len(ids) + len(run.Greedy.IDs) + 8, KVType: kv.F32})
	if err != nil {
		t.Fatal(err)
	}
	res := goldenResult{vocab: m.VocabSize()}
	first := run.PromptLogits.FirstPosition
	if first > 0 {
		if err := s.Prefill(ids[:first]); err != nil {
			t.Fatal(err)
		}
	}
	res.prompt, err = s.PrefillLogits(ids[first:], true)
	if err != nil {
		t.Fatal(err)
	}
	res.greedy = append(res.greedy, int32(argmax(s.Logits())))
	margin := math.Inf(1)
	s.SetTrace(func(label string, layer int, vals []float32) {
		if label == "router_logits" {
			margin = min(margin, routerMargin(vals, m.Config().Experts))
		}
	})
	for j, id := range run.Greedy.IDs {
		margin = math.Inf(1)
		logits, err := s.Decode(id)
		res.genMargin = append(res.genMargin, margin)
		if err != nil {
			t.Fatal(err)
		}
		res.gen = append(res.gen, logits...)
		if j+1 < len(run.Greedy.IDs) {
			res.greedy = append(res.greedy, int32(argmax(logits)))
		}
	}
	return res
}

// exactTolerance is the bound on |Δlogit| for the F32 goldens and for every
// non-F32 model in reference math against its -dequant-f32 golden.
const exactTolerance = 1e-4

// TestGoldens runs every golden run of the fixtures (the long one is
// TestLongContextGolden) and checks the logits of all prompt positions, the
// logits of the 16 greedy steps and the greedy ids.
func TestGoldens(t *testing.T) { goldenSuite(t) }

func goldenSuite(t *testing.T) {
	dir := fixtures(t)
	names, err := golden.Names(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if strings.Contains(name, "long") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			run, err := golden.Load(dir, name)
			if err != nil {
				t.Fatal(err)
			}
			quantized := run.Compare != nil
			res := runGolden(t, run, run.Dequantized())
			wantP, err := run.ReadPromptLogits()
			if err != nil {
				t.Fatal(err)
			}
			wantG, err := run.ReadGenLogits()
			if err != nil {
				t.Fatal(err)
			}
			if !quantized {
				checkExact(t, res, run, wantP, wantG)
				return
			}
			checkQuantized(t, res, run, wantP, wantG)
		})
	}
}

func checkExact(t *testing.T, res goldenResult, run *golden.Run, wantP, wantG []float32) {
	p := compareLogits(res.prompt, wantP, res.vocab, nil)
	g := compareLogits(res.gen, wantG, res.vocab, nil)
	t.Logf("prompt max|Δ| %.2g (row %d), gen max|Δ| %.2g (row %d)", p.maxAbs, p.maxRow, g.maxAbs, g.maxRow)
	if p.maxAbs > exactTolerance {
		t.Errorf("prompt logits: max |Δ| %.3g at position %d > %g", p.maxAbs, p.maxRow+run.PromptLogits.FirstPosition, exactTolerance)
	}
	if g.maxAbs > exactTolerance {
		t.Errorf("generation logits: max |Δ| %.3g at step %d > %g", g.maxAbs, g.maxRow, exactTolerance)
	}
	if !slices.Equal(res.greedy, run.Greedy.IDs) {
		t.Errorf("greedy ids %v, want %v", res.greedy, run.Greedy.IDs)
	}
}

// quantTolerance is the README's check on llama.cpp's real quantized path:
// max |Δ| for F16/BF16; RMS and max away from routing flips for the rest.
func quantTolerance(model string) (maxAbs, rms float64) {
	switch {
	case strings.Contains(model, "-f16"):
		return 0.02, 0.02
	case strings.Contains(model, "-bf16"):
		return 0.1, 0.1
	}
	return 0.4, 0.06
}

func checkQuantized(t *testing.T, res goldenResult, run *golden.Run, wantP, wantG []float32) {
	maxAbs, rms := quantTolerance(run.Model)
	skip := map[int]bool{}
	for _, f := range run.Compare.Flips {
		if len(f) == 2 {
			skip[f[1]] = true
		}
	}
	for _, c := range []struct {
		what       string
		have, want []float32
		skip       map[int]bool
	}{
		{"prompt", res.prompt, wantP, skip},
		{"generation", res.gen, wantG, fragile(res.genMargin)},
	} {
		d := compareLogits(c.have, c.want, res.vocab, c.skip)
		t.Logf("%s: max|Δ| %.3g (row %d), RMS %.3g, argmax equal %d/%d (skipped fragile routing at %v)",
			c.what, d.maxAbs, d.maxRow, d.rms, d.argmaxSame, d.rows, keys(c.skip))
		if d.maxAbs > maxAbs || d.rms > rms {
			t.Errorf("%s logits: max |Δ| %.3g (row %d), RMS %.3g; want ≤ %g, ≤ %g", c.what, d.maxAbs, d.maxRow, d.rms, maxAbs, rms)
		}
		if d.argmaxSame*10 < d.rows*9 {
			t.Errorf("%s: argmax equal at only %d of %d positions", c.what, d.argmaxSame, d.rows)
		}
	}
}

// fragileMargin is the router gap below which a generation step may route
// differently from llama.cpp: the two engines' logits differ by ~1e-2 from
// activation rounding, so a smaller gap can flip the top-1 expert (an O(1)
// change of that row, as the README's routing flips show).
const fragileMargin = 0.05

func fragile(margins []float64) map[int]bool {
	out := map[int]bool{}
	for j, m := range margins {
		if m < fragileMargin {
			out[j] = true
		}
	}
	return out
}

func keys(m map[int]bool) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestLongContextGolden checks positions 8128–8255 of an 8256-token prompt:
// across the first chunk boundary (8192) and the first temperature step
// (8191).
func TestLongContextGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("8256-token prefill (~35 GFLOP) skipped in -short mode")
	}
	dir := fixtures(t)
	run, err := golden.Load(dir, "scout-f32-long8256")
	if err != nil {
		t.Fatal(err)
	}
	res := runGolden(t, run, false)
	wantP, err := run.ReadPromptLogits()
	if err != nil {
		t.Fatal(err)
	}
	wantG, err := run.ReadGenLogits()
	if err != nil {
		t.Fatal(err)
	}
	checkExact(t, res, run, wantP, wantG)
}

func ExampleLoad() {
	dir, err := golden.Dir()
	if err != nil {
		return
	}
	m, err := Load(dir+"/models/tiny-llama4-scout-f32.gguf", LoadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	s, _ := m.NewSession(SessionOptions{ContextLen: 64})
	logits, _ := s.PrefillLogits([]int32{679, 684}, false)
	fmt.Println(len(logits))
	// Output: 768
}
