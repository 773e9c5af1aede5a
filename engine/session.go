package engine

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"hearth/engine/kv"
	"hearth/engine/model"
	"hearth/engine/sample"
)

// SessionOptions configure NewSession. The zero value takes the model's
// defaults.
type SessionOptions struct {
	ContextLen int     // positions the session can hold; 0: the model's default
	KVType     kv.Type // cache element type; the zero value (F16) takes LoadOptions.KVType
	Batch      int     // prefill batch size; 0: 512
}

// ErrContextFull is returned when a session has no room for another token.
var ErrContextFull = errors.New("engine: context is full")

// Session is one conversation on a model: its KV cache, its scratch, the
// tokens it holds and the logits of the last one. A Session is not safe for
// concurrent use; open one per goroutine.
type Session struct {
	m      *Model
	st     *model.State
	cache  *kv.Cache
	ctx    int
	pos    int
	tokens []int32 // tokens[i] sits at position i
	embdAt []bool  // position i was given an embedding instead of a token
	logits []float32
	one    [1]int32
}

// NewSession allocates a session's cache and scratch.
func (m *Model) NewSession(opts SessionOptions) (*Session, error) {
	ctx := opts.ContextLen
	if ctx <= 0 {
		ctx = m.context
	}
	kvType := opts.KVType
	if opts.KVType == kv.F16 && m.kvType != kv.F16 {
		kvType = m.kvType
	}
	if ctx != m.context {
		if _, err := m.fitContext(ctx, kvType); err != nil {
			return nil, err
		}
	}
	cache, err := kv.New(m.kvConfig(ctx, kvType))
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	batch := opts.Batch
	if batch <= 0 {
		batch = defaultBatch
	}
	batch = min(batch, ctx)
	return &Session{
		m:      m,
		st:     model.NewState(m.m, m.pool, batch, ctx, m.reference),
		cache:  cache,
		ctx:    ctx,
		tokens: make([]int32, 0, ctx),
		embdAt: make([]bool, 0, ctx),
		logits: make([]float32, m.m.Config.Vocab),
	}, nil
}

// ContextLen returns the positions the session can hold.
func (s *Session) ContextLen() int { return s.ctx }

// Pos returns the number of positions filled (the position of the next
// token).
func (s *Session) Pos() int { return s.pos }

// Tokens returns the tokens in the cache, in order (image positions hold
// the token they were prefilled with). The slice is the session's own.
func (s *Session) Tokens() []int32 { return s.tokens }

// Logits returns the next-token logits after the last token fed. The slice
// is overwritten by the next call that feeds a token.
func (s *Session) Logits() []float32 { return s.logits }

// KVReport returns the session's cache memory by layer kind.
func (s *Session) KVReport() kv.Report { return s.cache.Memory() }

// SetTrace installs a hook that receives intermediate tensors (see
// model.State.Trace); nil removes it.
func (s *Session) SetTrace(fn func(label string, layer int, vals []float32)) { s.st.Trace = fn }

// Prefill feeds tokens after those already in the session. A prompt that does
// not fit the context is an error, never truncated.
func (s *Session) Prefill(tokens []int32) error {
	return s.feed(tokens, nil, false, nil)
}

// PrefillEmbeddings is Prefill where a non-nil embd[i] (Embd values)
// replaces the embedding of tokens[i] (image positions of Llama 4's early
// fusion). embd is nil or has one entry per token.
func (s *Session) PrefillEmbeddings(tokens []int32, embd [][]float32) error {
	return s.feed(tokens, embd, false, nil)
}

// PrefillLogits is Prefill that also returns logits: of every fed position
// (row-major [len(tokens), vocab], a new slice) when all is set, else of the
// last one (the session's Logits slice).
func (s *Session) PrefillLogits(tokens []int32, all bool) ([]float32, error) {
	if len(tokens) == 0 {
		return nil, errors.New("engine: PrefillLogits of no tokens")
	}
	if !all {
		err := s.feed(tokens, nil, false, nil)
		return s.logits, err
	}
	out := make([]float32, len(tokens)*s.m.m.Config.Vocab)
	if err := s.feed(tokens, nil, true, out); err != nil {
		return nil, err
	}
	copy(s.logits, out[len(out)-len(s.logits):])
	return out, nil
}

// Decode feeds one token and returns the logits that follow it (the
// session's Logits slice). It allocates nothing.
func (s *Session) Decode(token int32) ([]float32, error) {
	s.one[0] = token
	err := s.feed(s.one[:], nil, false, nil)
	return s.logits, err
}

func (s *Session) feed(tokens []int32, embd [][]float32, all bool, out []float32) error {
	n := len(tokens)
	if n == 0 {
		return nil
	}
	if s.pos+n > s.ctx {
		if s.pos == 0 {
			return fmt.Errorf("%w: a prompt of %d tokens does not fit the context of %d", ErrContextFull, n, s.ctx)
		}
		return fmt.Errorf("%w: %d tokens after the %d already held exceed the context of %d", ErrContextFull, n, s.pos, s.ctx)
	}
	if !all {
		out = s.logits
	}
	if err := s.m.m.Forward(s.st, s.cache, tokens, embd, s.pos, all, out); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	s.pos += n
	s.tokens = append(s.tokens, tokens...)
	for i := 0; i < n; i++ {
		s.embdAt = append(s.embdAt, embd != nil && embd[i] != nil)
	}
	return nil
}

// Truncate drops every position from n on, so that the next token fed goes
// to position n (edit and regenerate). The logits become those after
// position n−1. Chunked-attention layers only keep the current chunk, so a
// cut into an earlier chunk recomputes that chunk's tokens before n; that is
// impossible (an error) where those positions were image embeddings.
func (s *Session) Truncate(n int) error {
	switch {
	case n < 0 || n > s.pos:
		return fmt.Errorf("engine: cannot truncate a session of %d positions to %d", s.pos, n)
	case n == 0:
		s.reset()
		return nil
	}
	replay := n - 1 // recompute at least the last kept token, for its logits
	if c := s.m.m.Config; c.HasChunks() && (n-1)/c.Chunk != (s.pos-1)/c.Chunk {
		replay = (n - 1) / c.Chunk * c.Chunk
	}
	for i := replay; i < n; i++ {
		if s.embdAt[i] {
			return fmt.Errorf("engine: cannot truncate to %d: position %d, which must be recomputed, held an image embedding", n, i)
		}
	}
	redo := append([]int32(nil), s.tokens[replay:n]...)
	s.pos, s.tokens, s.embdAt = replay, s.tokens[:replay], s.embdAt[:replay]
	return s.feed(redo, nil, false, nil)
}

// Generate samples tokens from the session: each step samples from the
// current logits, feeds the token (so every yielded token is in the cache)
// and yields it. It stops when the consumer stops, when ctx is done (yielding
// ctx's error) or when the context is full (yielding ErrContextFull). It does
// not stop at end-of-generation tokens; the consumer decides. The session
// must hold at least one token.
func (s *Session) Generate(ctx context.Context, smp sample.Sampler) iter.Seq2[int32, error] {
	return func(yield func(int32, error) bool) {
		if s.pos == 0 {
			yield(-1, errors.New("engine: generate on an empty session (prefill first)"))
			return
		}
		for {
			if err := ctx.Err(); err != nil {
				yield(-1, err)
				return
			}
			id := smp.Sample(s.logits)
			smp.Accept(id)
			if _, err := s.Decode(id); err != nil {
				yield(id, err)
				return
			}
			if !yield(id, nil) {
				return
			}
		}
	}
}
