// Package sample turns logits into tokens with llama.cpp's samplers:
// repetition/presence/frequency penalties, top-k, top-p, min-p, temperature
// and a seeded random draw (or greedy argmax). Samplers keep all their
// buffers between calls, so sampling a token allocates nothing.
package sample

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// Sampler picks the next token from a position's logits. Accept tells it the
// token that was actually fed (for the penalties' history).
type Sampler interface {
	Sample(logits []float32) int32
	Accept(id int32)
}

// Options configure a sampler chain. The zero value is greedy decoding with
// no penalties.
type Options struct {
	Temperature      float32 // ≤ 0: greedy (argmax after penalties)
	TopK             int     // keep the K most likely; ≤ 0: off
	TopP             float32 // keep the smallest set with probability ≥ TopP; 0 or ≥ 1: off
	MinP             float32 // drop tokens below MinP × the top probability; ≤ 0: off
	RepeatPenalty    float32 // divide positive (multiply negative) logits of recent tokens; 0 or 1: off
	PresencePenalty  float32 // subtract from recent tokens' logits once
	FrequencyPenalty float32 // subtract per occurrence in the recent tokens
	RepeatLastN      int     // how many recent tokens the penalties see; 0: 64
	Seed             uint64  // random seed; equal seeds give equal samples
}

// Greedy returns the argmax of the logits (the lowest id on a tie).
type Greedy struct{}

// Sample returns the index of the largest logit.
func (Greedy) Sample(logits []float32) int32 { return int32(argmax(logits)) }

// Accept does nothing: greedy decoding has no state.
func (Greedy) Accept(int32) {}

func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// Chain applies, in llama.cpp's default order, penalties → top-k → top-p →
// min-p → temperature → random draw.
type Chain struct {
	opts   Options
	rng    *rand.Rand
	cands  []cand
	probs  []float64
	recent []int32 // ring of the last RepeatLastN accepted tokens
	head   int
	filled int
	counts []int32 // occurrences of each id in recent
}

type cand struct {
	id    int32
	logit float32
}

// New returns a chain for a vocabulary of vocab tokens.
func New(vocab int, o Options) *Chain {
	if o.RepeatLastN <= 0 {
		o.RepeatLastN = 64
	}
	return &Chain{
		opts:   o,
		rng:    rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)),
		cands:  make([]cand, vocab),
		probs:  make([]float64, vocab),
		recent: make([]int32, o.RepeatLastN),
		counts: make([]int32, vocab),
	}
}

// Accept records id in the penalties' history.
func (c *Chain) Accept(id int32) {
	if id < 0 || int(id) >= len(c.counts) {
		return
	}
	if c.filled == len(c.recent) {
		c.counts[c.recent[c.head]]--
	} else {
		c.filled++
	}
	c.recent[c.head] = id
	c.counts[id]++
	c.head = (c.head + 1) % len(c.recent)
}

// Sample picks a token from logits (which it does not modify).
func (c *Chain) Sample(logits []float32) int32 {
	cs := c.candidates(logits)
	if c.opts.Temperature <= 0 {
		best := 0
		for i, x := range cs {
			if x.logit > cs[best].logit {
				best = i
			}
		}
		return cs[best].id
	}
	cs = c.topK(cs)
	cs = c.topP(cs)
	cs = c.minP(cs)
	return c.draw(cs)
}

// candidates copies the logits with the penalties applied:
// l ← l/r if l > 0 else l·r, then l −= count·freq + presence, for tokens
// among the last RepeatLastN accepted.
func (c *Chain) candidates(logits []float32) []cand {
	cs := c.cands[:len(logits)]
	for i, l := range logits {
		cs[i] = cand{int32(i), l}
	}
	o := &c.opts
	if (o.RepeatPenalty == 0 || o.RepeatPenalty == 1) && o.PresencePenalty == 0 && o.FrequencyPenalty == 0 {
		return cs
	}
	for i := 0; i < c.filled; i++ {
		id := c.recent[i]
		n := c.counts[id]
		if n <= 0 || int(id) >= len(cs) {
			continue
		}
		l := cs[id].logit
		if o.RepeatPenalty != 0 && o.RepeatPenalty != 1 {
			if l <= 0 {
				l *= o.RepeatPenalty
			} else {
				l /= o.RepeatPenalty
			}
		}
		l -= float32(n)*o.FrequencyPenalty + o.PresencePenalty
		cs[id].logit = l
		c.counts[id] = -n // mark done; restored below
	}
	for i := 0; i < c.filled; i++ {
		if id := c.recent[i]; c.counts[id] < 0 {
			c.counts[id] = -c.counts[id]
		}
	}
	return cs
}

func byLogitDesc(a, b cand) int {
	if c := cmp.Compare(b.logit, a.logit); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// topK keeps the K largest, sorted descending. Without top-k the whole set
// is sorted, which top-p needs anyway.
func (c *Chain) topK(cs []cand) []cand {
	k := c.opts.TopK
	if k > 0 && k < len(cs) {
		selectTop(cs, k)
		cs = cs[:k]
	}
	slices.SortFunc(cs, byLogitDesc)
	return cs
}

// selectTop moves the k largest candidates to cs[:k] (quickselect).
func selectTop(cs []cand, k int) {
	lo, hi := 0, len(cs)-1
	for lo < hi {
		p := cs[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for byLogitDesc(cs[i], p) < 0 {
				i++
			}
			for byLogitDesc(cs[j], p) > 0 {
				j--
			}
			if i <= j {
				cs[i], cs[j] = cs[j], cs[i]
				i++
				j--
			}
		}
		switch {
		case k-1 <= j:
			hi = j
		case k-1 >= i:
			lo = i
		default:
			return
		}
	}
}

// softmax fills c.probs[:len(cs)] for sorted candidates (float64).
func (c *Chain) softmax(cs []cand, temp float32) []float64 {
	p := c.probs[:len(cs)]
	var sum float64
	for i, x := range cs {
		p[i] = math.Exp(float64((x.logit - cs[0].logit) / temp))
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

// topP keeps the shortest prefix whose probability reaches TopP.
func (c *Chain) topP(cs []cand) []cand {
	if c.opts.TopP <= 0 || c.opts.TopP >= 1 {
		return cs
	}
	p := c.softmax(cs, 1)
	var cum float64
	for i, x := range p {
		cum += x
		if cum >= float64(c.opts.TopP) {
			return cs[:i+1]
		}
	}
	return cs
}

// minP keeps tokens whose probability is at least MinP × the top one's.
func (c *Chain) minP(cs []cand) []cand {
	if c.opts.MinP <= 0 {
		return cs
	}
	min := cs[0].logit + float32(math.Log(float64(c.opts.MinP)))
	for i, x := range cs {
		if x.logit < min {
			return cs[:max(i, 1)]
		}
	}
	return cs
}

// draw samples from softmax(logits / temperature) over the survivors.
func (c *Chain) draw(cs []cand) int32 {
	p := c.softmax(cs, c.opts.Temperature)
	u := c.rng.Float64()
	var cum float64
	for i, x := range p {
		cum += x
		if u < cum {
			return cs[i].id
		}
	}
	return cs[len(cs)-1].id
}
