package model

import (
	"cmp"
	"fmt"
	"math"
	"sync"

	"hearth/engine/cpu"
	"hearth/engine/kv"
	"hearth/engine/simd"
)

// attention is the attention half of layer l for the n tokens at positions
// pos…pos+n−1 whose residual stream is s.x; it adds the attention output to
// s.x.
func (m *Model) attention(s *State, l int, cache *kv.Layer, pos, n int) error {
	c := &m.Config
	b := &m.Layers[l]
	e, qd, kd, hd := c.Embd, c.QDim(), c.KVDim(), c.HeadDim

	// a = RMSNorm(x) ⊙ attn_norm
	for t := 0; t < n; t++ {
		row := s.xb[t*e : (t+1)*e]
		cpu.RMSNorm(row, s.x[t*e:(t+1)*e], c.Eps)
		cpu.Mul(row, b.AttnNorm)
	}
	s.trace("attn_norm", l, s.xb[:n*e])

	// q, k, v projections
	s.mm.MulMany(s.xb, n, cpu.Product{W: b.Q, Out: s.q}, cpu.Product{W: b.K, Out: s.k}, cpu.Product{W: b.V, Out: s.v})
	q, k, v := s.q[:n*qd], s.k[:n*kd], s.v[:n*kd]
	s.trace("q", l, q)
	s.trace("k", l, k)
	s.trace("v", l, v)

	if c.UsesRoPE(l) {
		half := hd / 2
		for t := 0; t < n; t++ {
			cs, sn := s.cos[t*half:(t+1)*half], s.sin[t*half:(t+1)*half]
			rope(q[t*qd:(t+1)*qd], cs, sn, hd)
			rope(k[t*kd:(t+1)*kd], cs, sn, hd)
		}
		s.trace("q_rope", l, q)
		s.trace("k_rope", l, k)
		if c.QKNorm {
			for h := 0; h < n*qd; h += hd {
				cpu.RMSNorm(q[h:h+hd], q[h:h+hd], c.Eps)
			}
			for h := 0; h < n*kd; h += hd {
				cpu.RMSNorm(k[h:h+hd], k[h:h+hd], c.Eps)
			}
			s.trace("q_l2norm", l, q)
			s.trace("k_l2norm", l, k)
		}
	} else if c.IsLlama4() {
		for t := 0; t < n; t++ {
			cpu.Scale(q[t*qd:(t+1)*qd], s.temp[t])
		}
		s.trace("q_temp", l, q)
	}

	for t := 0; t < n; t++ {
		cache.Store(pos+t, k[t*kd:(t+1)*kd], v[t*kd:(t+1)*kd])
	}

	// o_h = softmax(q_h·K_g(h) / √D over the visible positions) · V_g(h)
	s.attn = attnTask{
		c: c, cache: cache, q: q, out: s.att[:n*qd], scores: s.scores,
		pos: pos, chunked: c.Chunked(l), scale: 1 / float32(math.Sqrt(float64(hd))),
	}
	if cache.Type() == kv.F32 {
		s.pool.Parallel(n*c.Heads, 1, &s.attn)
	} else {
		s.pool.Parallel(n*c.HeadsKV, 1, &s.attn)
	}
	if err := s.attn.Err(); err != nil {
		return fmt.Errorf("model: layer %d attention: %w", l, err)
	}

	// x ← x + Wo·o
	s.mm.Mul(b.O, s.att, n, s.proj)
	cpu.Add(s.x[:n*e], s.proj[:n*e])
	s.trace("attn_residual", l, s.x[:n*e])
	return nil
}

// attnTask computes attention for one (token, head) pair per item with an
// f32 cache, or one (token, KV head) pair, all the query heads that share
// it, with an f16 cache.
type attnTask struct {
	c       *Config
	cache   *kv.Layer
	q, out  []float32
	scores  [][]float32
	pos     int
	chunked bool
	scale   float32
	mu      sync.Mutex // guards err, which workers may set
	err     error
}

// Err returns the first error a worker met.
func (a *attnTask) Err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// Run handles its items. The visible positions start…p of a layer always
// occupy consecutive slots (a chunk never wraps inside the ring), so keys
// and values are read as strided runs, and a chunked layer never visits a
// key outside the query's chunk.
func (a *attnTask) Run(worker, lo, hi int) {
	if a.cache.Type() == kv.F32 {
		a.runF32(worker, lo, hi)
		return
	}
	c := a.c
	hd, qd, kd := c.HeadDim, c.QDim(), c.KVDim()
	group := c.Heads / c.HeadsKV
	for item := lo; item < hi; item++ {
		t, g := item/c.HeadsKV, item%c.HeadsKV
		start, p := a.visible(t)
		q0, q1 := t*qd+g*group*hd, t*qd+(g+1)*group*hd
		first := a.cache.Slot(start)*kd + g*hd
		err := simd.AttendF16(a.q[q0:q1], group, hd, a.cache.KeysF16()[first:], a.cache.ValuesF16()[first:], kd, p-start+1, a.scale, a.scores[worker], a.out[q0:q1])
		if err != nil {
			a.mu.Lock()
			a.err = cmp.Or(a.err, err)
			a.mu.Unlock()
			return
		}
	}
}

// visible returns the first and last position token t of the batch sees.
func (a *attnTask) visible(t int) (start, p int) {
	p = a.pos + t
	if a.chunked {
		start = p / a.c.Chunk * a.c.Chunk
	}
	return start, p
}

// runF32 computes softmax(scores)·V in ggml's order for an f32 cache:
// probabilities normalised before the V product, which the f32 goldens
// match to 1e-5.
func (a *attnTask) runF32(worker, lo, hi int) {
	c := a.c
	hd, qd, kd := c.HeadDim, c.QDim(), c.KVDim()
	group := c.Heads / c.HeadsKV
	for item := lo; item < hi; item++ {
		t, h := item/c.Heads, item%c.Heads
		start, p := a.visible(t)
		q := a.q[t*qd+h*hd : t*qd+(h+1)*hd]
		o := a.out[t*qd+h*hd : t*qd+(h+1)*hd]
		first := a.cache.Slot(start)*kd + (h/group)*hd
		sc := a.scores[worker][:p-start+1]
		m := scoresF32(q, a.cache.KeysF32()[first:], kd, a.scale, sc)
		cpu.Scale(sc, expShift(sc, m))
		mixF32(o, a.cache.ValuesF32()[first:], kd, sc)
	}
}

// scoresF32 sets sc[j] = scale·(q · keys[j·stride : j·stride+len(q)]) and
// returns the largest score.
func scoresF32(q, keys []float32, stride int, scale float32, sc []float32) float32 {
	hd := len(q)
	best := float32(math.Inf(-1))
	for j := range sc {
		k := keys[j*stride : j*stride+hd]
		k = k[:len(q)]
		var s0, s1, s2, s3 float32
		i := 0
		for ; i+3 < len(q); i += 4 {
			s0 += q[i] * k[i]
			s1 += q[i+1] * k[i+1]
			s2 += q[i+2] * k[i+2]
			s3 += q[i+3] * k[i+3]
		}
		for ; i < len(q); i++ {
			s0 += q[i] * k[i]
		}
		v := ((s0 + s1) + (s2 + s3)) * scale
		sc[j] = v
		best = max(best, v)
	}
	return best
}

// expShift replaces sc[j] with e^(sc[j]−m) and returns 1/Σ (the sum taken
// in float64, as ggml's softmax does).
func expShift(sc []float32, m float32) float32 {
	var sum float64
	for j, v := range sc {
		e := float32(math.Exp(float64(v - m)))
		sc[j] = e
		sum += float64(e)
	}
	return float32(1 / sum)
}

// mixF32 sets o = Σ_j w[j]·vals[j·stride : j·stride+len(o)].
func mixF32(o, vals []float32, stride int, w []float32) {
	clear(o)
	hd := len(o)
	for j, wj := range w {
		v := vals[j*stride : j*stride+hd]
		v = v[:len(o)]
		i := 0
		for ; i+3 < len(o); i += 4 {
			o[i] += wj * v[i]
			o[i+1] += wj * v[i+1]
			o[i+2] += wj * v[i+2]
			o[i+3] += wj * v[i+3]
		}
		for ; i < len(o); i++ {
			o[i] += wj * v[i]
		}
	}
}
