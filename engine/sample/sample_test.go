package sample

import (
	"math"
	"slices"
	"testing"
)

// expected computes the distribution llama.cpp's chain gives: top-k, then
// top-p and min-p on the untempered softmax, then softmax(l/T) over the
// survivors. It is written independently of the chain (plain sorting).
func expected(logits []float32, o Options) []float64 {
	type c struct {
		id int
		l  float64
	}
	cs := make([]c, len(logits))
	for i, l := range logits {
		cs[i] = c{i, float64(l)}
	}
	slices.SortStableFunc(cs, func(a, b c) int {
		switch {
		case a.l > b.l:
			return -1
		case a.l < b.l:
			return 1
		}
		return 0
	})
	if o.TopK > 0 && o.TopK < len(cs) {
		cs = cs[:o.TopK]
	}
	soft := func(cs []c, t float64) []float64 {
		p := make([]float64, len(cs))
		var s float64
		for i, x := range cs {
			p[i] = math.Exp((x.l - cs[0].l) / t)
			s += p[i]
		}
		for i := range p {
			p[i] /= s
		}
		return p
	}
	if o.TopP > 0 && o.TopP < 1 {
		p := soft(cs, 1)
		var cum float64
		for i := range p {
			cum += p[i]
			if cum >= float64(o.TopP) {
				cs = cs[:i+1]
				break
			}
		}
	}
	if o.MinP > 0 {
		p := soft(cs, 1)
		n := 0
		for i := range p {
			if p[i] >= float64(o.MinP)*p[0] {
				n = i + 1
			}
		}
		cs = cs[:n]
	}
	p := soft(cs, float64(o.Temperature))
	out := make([]float64, len(logits))
	for i, x := range cs {
		out[x.id] = p[i]
	}
	return out
}

// TestDistributions samples 20000 times per setting and checks every
// token's frequency against the expected probability within 5 standard
// deviations (and that excluded tokens never appear).
func TestDistributions(t *testing.T) {
	logits := []float32{1.0, 2.5, 0.3, 2.0, -1.0, 1.7, 0.9, 2.2}
	cases := []struct {
		name string
		o    Options
	}{
		{"temperature 1", Options{Temperature: 1}},
		{"temperature 0.5", Options{Temperature: 0.5}},
		{"temperature 2", Options{Temperature: 2}},
		{"top-k 3", Options{Temperature: 1, TopK: 3}},
		{"top-p 0.7", Options{Temperature: 1, TopP: 0.7}},
		{"min-p 0.3", Options{Temperature: 0.8, MinP: 0.3}},
		{"top-k 5 top-p 0.9 temp 0.7", Options{Temperature: 0.7, TopK: 5, TopP: 0.9}},
	}
	const n = 20000
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.o.Seed = 42
			s := New(len(logits), c.o)
			counts := make([]int, len(logits))
			for i := 0; i < n; i++ {
				counts[s.Sample(logits)]++
			}
			want := expected(logits, c.o)
			for id, p := range want {
				f := float64(counts[id]) / n
				sd := math.Sqrt(p * (1 - p) / n)
				if p == 0 && counts[id] != 0 || math.Abs(f-p) > 5*sd+1e-9 {
					t.Errorf("token %d: frequency %.4f, want %.4f ± %.4f", id, f, p, 5*sd)
				}
			}
		})
	}
}

func TestSeedDeterminism(t *testing.T) {
	logits := []float32{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}
	run := func(seed uint64) []int32 {
		s := New(len(logits), Options{Temperature: 1, Seed: seed})
		var out []int32
		for i := 0; i < 50; i++ {
			id := s.Sample(logits)
			s.Accept(id)
			out = append(out, id)
		}
		return out
	}
	if a, b := run(7), run(7); !slices.Equal(a, b) {
		t.Errorf("seed 7 gave %v then %v", a, b)
	}
	if a, b := run(7), run(8); slices.Equal(a, b) {
		t.Errorf("seeds 7 and 8 gave the same 50 tokens")
	}
}

func TestGreedy(t *testing.T) {
	for _, c := range []struct {
		logits []float32
		want   int32
	}{
		{[]float32{1, 3, 2}, 1},
		{[]float32{5, 5, 1}, 0}, // lowest id wins a tie
		{[]float32{-3, -2, -9}, 1},
	} {
		if got := (Greedy{}).Sample(c.logits); got != c.want {
			t.Errorf("Greedy(%v) = %d, want %d", c.logits, got, c.want)
		}
		if got := New(len(c.logits), Options{}).Sample(c.logits); got != c.want {
			t.Errorf("zero Options (%v) = %d, want %d", c.logits, got, c.want)
		}
	}
}

// TestPenalties checks llama.cpp's penalty arithmetic through greedy
// choices: l/r for positive logits, l·r for negative ones, minus
// count·frequency + presence.
func TestPenalties(t *testing.T) {
	cases := []struct {
		name    string
		o       Options
		history []int32
		logits  []float32
		want    int32
	}{
		// 3.0/1.5 = 2.0 < 2.5: the repeated token loses.
		{"repeat positive", Options{RepeatPenalty: 1.5}, []int32{0}, []float32{3.0, 2.5}, 1},
		// 3.0/1.1 = 2.73 > 2.5: it still wins.
		{"repeat mild", Options{RepeatPenalty: 1.1}, []int32{0}, []float32{3.0, 2.5}, 0},
		// −1·2 = −2 < −1.5: a negative logit is multiplied.
		{"repeat negative", Options{RepeatPenalty: 2}, []int32{0}, []float32{-1.0, -1.5}, 1},
		// 3 − 3·0.2 = 2.4 < 2.5 (frequency counts occurrences).
		{"frequency", Options{FrequencyPenalty: 0.2}, []int32{0, 0, 0}, []float32{3.0, 2.5}, 1},
		// 3 − 2·0.2 = 2.6 > 2.5.
		{"frequency twice", Options{FrequencyPenalty: 0.2}, []int32{0, 0}, []float32{3.0, 2.5}, 0},
		// presence counts once however often: 3 − 0.6 = 2.4.
		{"presence", Options{PresencePenalty: 0.6}, []int32{0, 0, 0}, []float32{3.0, 2.5}, 1},
		// only the last RepeatLastN tokens count: token 0 fell out.
		{"window", Options{RepeatPenalty: 2, RepeatLastN: 2}, []int32{0, 1, 1}, []float32{2.5, 3.0}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(len(c.logits), c.o)
			for _, id := range c.history {
				s.Accept(id)
			}
			if got := s.Sample(c.logits); got != c.want {
				t.Errorf("got %d, want %d", got, c.want)
			}
		})
	}
}

func TestTopKSelectsLargest(t *testing.T) {
	logits := make([]float32, 1000)
	for i := range logits {
		logits[i] = float32((i * 7919) % 1000)
	}
	s := New(len(logits), Options{Temperature: 1, TopK: 10})
	cs := s.topK(s.candidates(logits))
	for i, c := range cs {
		if c.logit != float32(999-i) {
			t.Fatalf("top-10[%d] = %v, want logit %d", i, c, 999-i)
		}
	}
}

func TestSampleAllocatesNothing(t *testing.T) {
	logits := make([]float32, 5000)
	for i := range logits {
		logits[i] = float32(i%97) / 10
	}
	s := New(len(logits), Options{Temperature: 0.8, TopK: 40, TopP: 0.95, MinP: 0.05, RepeatPenalty: 1.1, Seed: 1})
	allocs := testing.AllocsPerRun(100, func() {
		s.Accept(s.Sample(logits))
	})
	if allocs != 0 {
		t.Errorf("%v allocations per sampled token", allocs)
	}
}
