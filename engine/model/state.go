package model

import (
	"hearth/engine/cpu"
)

// State is the scratch of one session: every buffer a forward pass touches,
// sized once for MaxBatch tokens and the context, so that decoding a token
// allocates nothing. A State is used by one goroutine at a time.
type State struct {
	MaxBatch int

	// Trace, when set, receives intermediate tensors (n rows of one token
	// each, token-major) under llama.cpp's activation labels; tests use it
	// to find the first layer that disagrees with the goldens.
	Trace func(label string, layer int, vals []float32)

	pool *cpu.Pool
	mm   *cpu.MatMul

	x, xb, q, k, v, att, proj []float32
	gate, up                  []float32
	router, gateW             []float32
	sel                       []int32
	ffnOut, gin, gout         []float32
	expStart, expRows         []int
	cos, sin, temp            []float32
	ids                       []float32
	attnBuf                   [][]float32
	attn                      attnTask
}

// NewState allocates the scratch for running m on up to maxBatch tokens at
// once, on pool. reference selects f32 math on dequantized weights (see
// cpu.MatMul). The fourth argument, the context length, sizes nothing:
// attention's scratch is per block of keys, not per position.
func NewState(m *Model, pool *cpu.Pool, maxBatch, _ int, reference bool) *State {
	c := &m.Config
	b := maxBatch
	ff := max(c.FF, c.FFExpert)
	k := max(c.ExpertsUsed, 1)
	s := &State{
		MaxBatch: maxBatch,
		pool:     pool,
		mm:       cpu.NewMatMul(pool, reference),
		x:        make([]float32, b*c.Embd),
		xb:       make([]float32, b*c.Embd),
		q:        make([]float32, b*c.QDim()),
		k:        make([]float32, b*c.KVDim()),
		v:        make([]float32, b*c.KVDim()),
		att:      make([]float32, b*c.QDim()),
		proj:     make([]float32, b*c.Embd),
		gate:     make([]float32, b*ff),
		up:       make([]float32, b*ff),
		router:   make([]float32, b*max(c.Experts, 1)),
		gateW:    make([]float32, b*k),
		sel:      make([]int32, b*k),
		ffnOut:   make([]float32, b*c.Embd),
		gin:      make([]float32, b*c.Embd),
		gout:     make([]float32, b*c.Embd),
		expStart: make([]int, c.Experts+2),
		expRows:  make([]int, b*k),
		cos:      make([]float32, b*c.HeadDim/2),
		sin:      make([]float32, b*c.HeadDim/2),
		temp:     make([]float32, b),
		ids:      make([]float32, b*k),
		attnBuf:  make([][]float32, pool.Threads()),
	}
	for i := range s.attnBuf {
		s.attnBuf[i] = make([]float32, attnScratch(c))
	}
	return s
}

func (s *State) trace(label string, layer int, vals []float32) {
	if s.Trace != nil {
		s.Trace(label, layer, vals)
	}
}
