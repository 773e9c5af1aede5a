package model

import (
	"fmt"

	"hearth/engine/cpu"
	"hearth/engine/kv"
)

// Forward runs the n = len(tokens) tokens at positions pos…pos+n−1 through
// the model, appending their keys and values to cache. A non-nil embd[i]
// (Embd values) replaces the token embedding of tokens[i] (image positions).
//
// logits receives the next-token logits: of every position (len n·Vocab)
// when all is set, else of the last one only (len Vocab).
//
// Batches are split at MaxBatch tokens and at chunk boundaries, so a chunked
// layer's ring never holds two chunks at once.
func (m *Model) Forward(s *State, cache *kv.Cache, tokens []int32, embd [][]float32, pos int, all bool, logits []float32) error {
	c := &m.Config
	n := len(tokens)
	want := c.Vocab
	if all {
		want = n * c.Vocab
	}
	switch {
	case n == 0:
		return fmt.Errorf("model: forward of no tokens")
	case len(logits) < want:
		return fmt.Errorf("model: logits buffer holds %d values, need %d", len(logits), want)
	case embd != nil && len(embd) != n:
		return fmt.Errorf("model: %d embeddings for %d tokens", len(embd), n)
	}
	for _, t := range tokens {
		if t < 0 || int(t) >= c.Vocab {
			return fmt.Errorf("model: token id %d is outside the vocabulary of %d", t, c.Vocab)
		}
	}
	for done := 0; done < n; {
		size := min(n-done, s.MaxBatch)
		if c.HasChunks() {
			p := pos + done
			size = min(size, (p/c.Chunk+1)*c.Chunk-p)
		}
		var be [][]float32
		if embd != nil {
			be = embd[done : done+size]
		}
		last := done+size == n
		var out []float32
		switch {
		case all:
			out = logits[done*c.Vocab : (done+size)*c.Vocab]
		case last:
			out = logits[:c.Vocab]
		}
		if err := m.forwardBatch(s, cache, tokens[done:done+size], be, pos+done, all, out); err != nil {
			return err
		}
		done += size
	}
	return nil
}

// forwardBatch is the forward pass of one batch: embed, for each layer
// attention then FFN, each with its residual; final norm; classifier. out,
// when non-nil, receives the logits of all rows (all) or of the last row.
func (m *Model) forwardBatch(s *State, cache *kv.Cache, tokens []int32, embd [][]float32, pos int, all bool, out []float32) error {
	c := &m.Config
	n, e := len(tokens), c.Embd

	// x = token_embd[t] (or the supplied embedding)
	for t, id := range tokens {
		row := s.x[t*e : (t+1)*e]
		if embd != nil && embd[t] != nil {
			if len(embd[t]) != e {
				return fmt.Errorf("model: embedding %d has %d values, want %d", t, len(embd[t]), e)
			}
			copy(row, embd[t])
			continue
		}
		if err := m.TokenEmbd.DequantRow(int(id), row); err != nil {
			return fmt.Errorf("model: embedding of token %d: %w", id, err)
		}
	}

	m.ropeTables(s.cos, s.sin, pos, n)
	for t := 0; t < n; t++ {
		s.temp[t] = c.attnTemperature(pos + t)
	}

	for l := range m.Layers {
		if err := m.attention(s, l, cache.Layer(l), pos, n); err != nil {
			return err
		}

		// y = RMSNorm(x) ⊙ ffn_norm; x ← x + FFN(y)
		for t := 0; t < n; t++ {
			row := s.xb[t*e : (t+1)*e]
			cpu.RMSNorm(row, s.x[t*e:(t+1)*e], c.Eps)
			cpu.Mul(row, m.Layers[l].FFNNorm)
		}
		if m.Layers[l].MoE {
			m.moeFFN(s, l, n)
		} else {
			m.denseFFN(s, l, n)
		}
		cpu.Add(s.x[:n*e], s.ffnOut[:n*e])
		s.trace("layer_out", l, s.x[:n*e])
	}

	// z = RMSNorm(x) ⊙ output_norm; logits = W_out·z
	for t := 0; t < n; t++ {
		row := s.xb[t*e : (t+1)*e]
		cpu.RMSNorm(row, s.x[t*e:(t+1)*e], c.Eps)
		cpu.Mul(row, m.OutputNorm)
	}
	s.trace("final_norm", -1, s.xb[:n*e])
	switch {
	case out == nil:
	case all:
		s.mm.Mul(m.Output, s.xb, n, out)
	default:
		s.mm.Mul(m.Output, s.xb[(n-1)*e:], 1, out)
	}
	return s.mm.Err()
}
