package model

import "hearth/engine/cpu"

// swiglu computes out = W_down·(silu(W_gate·y) ⊙ (W_up·y)) for n rows of y.
func (s *State) swiglu(gate, up, down cpu.Matrix, y []float32, n int, out []float32) {
	s.mm.MulMany(y, n, cpu.Product{W: gate, Out: s.gate}, cpu.Product{W: up, Out: s.up})
	f := gate.Rows
	cpu.SwiGLU(s.gate[:n*f], s.up[:n*f])
	s.mm.Mul(down, s.gate, n, out)
}

// denseFFN is the FFN of a dense layer on the normed rows s.xb; it writes
// s.ffnOut.
func (m *Model) denseFFN(s *State, l, n int) {
	b := &m.Layers[l]
	s.swiglu(b.Gate, b.Up, b.Down, s.xb, n, s.ffnOut)
	s.trace("ffn_out", l, s.ffnOut[:n*m.Config.Embd])
}

// moeFFN is Llama 4's routed FFN on the normed rows y = s.xb; it writes
// s.ffnOut = Σ_top-k expert_e(σ(r_e)·y) + shared(y). The experts are chosen
// on the raw router logits r, and the sigmoid weight scales the expert's
// input, not its output. Rows are grouped by expert so each expert's weights
// are read once per batch.
func (m *Model) moeFFN(s *State, l, n int) {
	c := &m.Config
	b := &m.Layers[l]
	e, nx, k := c.Embd, c.Experts, c.ExpertsUsed

	s.mm.Mul(b.Router, s.xb, n, s.router)
	s.trace("router_logits", l, s.router[:n*nx])
	for t := 0; t < n; t++ {
		logits := s.router[t*nx : (t+1)*nx]
		topK(logits, s.sel[t*k:(t+1)*k])
		for j, ex := range s.sel[t*k : (t+1)*k] {
			s.gateW[t*k+j] = cpu.Sigmoid(logits[ex])
			s.ids[t*k+j] = float32(ex)
		}
	}
	s.trace("moe_expert_ids", l, s.ids[:n*k])
	s.trace("moe_gate", l, s.gateW[:n*k])

	// counting sort of the n·k (token, slot) rows by expert
	start := s.expStart[:nx+1]
	clear(start)
	for _, ex := range s.sel[:n*k] {
		start[ex+1]++
	}
	for i := 1; i <= nx; i++ {
		start[i] += start[i-1]
	}
	for r, ex := range s.sel[:n*k] {
		s.expRows[start[ex]] = r
		start[ex]++
	}
	// start[ex] now holds the end of expert ex's rows; its begin is the
	// previous expert's end.
	out := s.ffnOut[:n*e]
	clear(out)
	begin := 0
	for ex := 0; ex < nx; ex++ {
		rows := s.expRows[begin:start[ex]]
		begin = start[ex]
		if len(rows) == 0 {
			continue
		}
		for i, r := range rows {
			t := r / k
			dst := s.gin[i*e : (i+1)*e]
			copy(dst, s.xb[t*e:(t+1)*e])
			cpu.Scale(dst, s.gateW[r])
		}
		s.swiglu(b.GateExps.Expert(ex), b.UpExps.Expert(ex), b.DownExps.Expert(ex), s.gin, len(rows), s.gout)
		for i, r := range rows {
			t := r / k
			cpu.Add(out[t*e:(t+1)*e], s.gout[i*e:(i+1)*e])
		}
	}

	s.swiglu(b.GateShared, b.UpShared, b.DownShared, s.xb, n, s.gout)
	cpu.Add(out, s.gout[:n*e])
	s.trace("moe_out", l, out)
}

// topK writes the indices of the len(dst) largest logits to dst, largest
// first, the lowest index winning a tie.
func topK(logits []float32, dst []int32) {
	for j := range dst {
		best := -1
		for i, v := range logits {
			if taken(dst[:j], i) {
				continue
			}
			if best < 0 || v > logits[best] {
				best = i
			}
		}
		dst[j] = int32(best)
	}
}

func taken(sel []int32, i int) bool {
	for _, s := range sel {
		if int(s) == i {
			return true
		}
	}
	return false
}
