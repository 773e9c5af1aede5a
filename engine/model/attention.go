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
	qb := attnQueryBlock(c)
	s.attn = attnTask{
		c: c, cache: cache, q: q, out: s.att[:n*qd], scratch: s.attnBuf,
		pos: pos, n: n, qb: qb, chunked: c.Chunked(l), scale: 1 / float32(math.Sqrt(float64(hd))),
	}
	s.pool.Parallel((n+qb-1)/qb*c.HeadsKV, 1, &s.attn)
	if err := s.attn.Err(); err != nil {
		return fmt.Errorf("model: layer %d attention: %w", l, err)
	}

	// x ← x + Wo·o
	s.mm.Mul(b.O, s.att, n, s.proj)
	cpu.Add(s.x[:n*e], s.proj[:n*e])
	s.trace("attn_residual", l, s.x[:n*e])
	return nil
}

// attnRows is the number of query rows (tokens × the query heads of one
// KV head) that share each block of keys and values read from the cache:
// enough that a block is reused from L1 many times, few enough that the
// rows' accumulators stay in L2 and that a prefill splits into many items.
const attnRows = 64

// attnQueryBlock returns how many tokens one work item attends for.
func attnQueryBlock(c *Config) int {
	return max(1, attnRows/(c.Heads/c.HeadsKV))
}

// attnScratch returns the per-worker scratch length of attention.
func attnScratch(c *Config) int {
	return simd.AttendScratch(attnQueryBlock(c)*(c.Heads/c.HeadsKV), c.HeadDim)
}

// attnTask computes attention blockwise (simd.AttendF16/AttendF32): one
// item is a block of qb consecutive tokens of the batch and one KV head,
// with all the query heads that share it.
type attnTask struct {
	c       *Config
	cache   *kv.Layer
	q, out  []float32
	scratch [][]float32
	pos, n  int
	qb      int
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

// Run handles its items, the last tokens (which see the most keys) first so
// the short items fill in at the end. The visible positions start…p of a
// layer always occupy consecutive slots (a batch never crosses a chunk
// boundary and a chunk never wraps inside the ring), so keys and values are
// read as strided runs from the slot of start: a chunked layer never
// visits a key outside the query's chunk, and no layer a key after it.
func (a *attnTask) Run(worker, lo, hi int) {
	c := a.c
	hd, qd, kd := c.HeadDim, c.QDim(), c.KVDim()
	group := c.Heads / c.HeadsKV
	blocks := (a.n + a.qb - 1) / a.qb
	for item := lo; item < hi; item++ {
		t0 := (blocks - 1 - item/c.HeadsKV) * a.qb
		g := item % c.HeadsKV
		nq := min(a.qb, a.n-t0)
		p := a.pos + t0
		start := 0
		if a.chunked {
			start = p / c.Chunk * c.Chunk
		}
		q0 := t0*qd + g*group*hd
		first := a.cache.Slot(start)*kd + g*hd
		var err error
		if a.cache.Type() == kv.F32 {
			err = simd.AttendF32(a.q[q0:], nq, group, hd, qd, a.cache.KeysF32()[first:], a.cache.ValuesF32()[first:], kd, p-start+1, a.scale, a.scratch[worker], a.out[q0:])
		} else {
			err = simd.AttendF16(a.q[q0:], nq, group, hd, qd, a.cache.KeysF16()[first:], a.cache.ValuesF16()[first:], kd, p-start+1, a.scale, a.scratch[worker], a.out[q0:])
		}
		if err != nil {
			a.mu.Lock()
			a.err = cmp.Or(a.err, err)
			a.mu.Unlock()
			return
		}
	}
}
