package chatgen

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"hearth/app/kvcache"
	"hearth/engine"
	"hearth/engine/chat"
	"hearth/engine/model/vision"
	"hearth/engine/sample"
	"hearth/engine/tokenizer"
)

// PrefillChunk is how many tokens are fed between progress reports and
// checks for a cancel.
const PrefillChunk = 256

// ErrNoVision is returned for a request with images to a model loaded
// without a vision projector.
var ErrNoVision = errors.New("this model was loaded without a vision projector, so it cannot read images")

// ErrBadRequest marks errors in what a request asks for (an unreadable
// image, an empty prompt), as opposed to failures of the engine.
var ErrBadRequest = errors.New("bad request")

// Config is what a Model is built from. Model and Session are required.
type Config struct {
	Name    string
	Model   *engine.Model
	Session *engine.Session
	// Tokenizer, Format and Stops are read from the model when nil.
	Tokenizer *tokenizer.Tokenizer
	Format    chat.Format
	Stops     []int32
	// Cache and Digest enable the KV snapshot cache; a nil Cache or an
	// empty Digest leaves it unused (every prompt is computed).
	Cache  *kvcache.Cache
	Digest string
	// Projector reads images; ProjectorDigest keys their snapshot pages.
	Projector       *vision.Projector
	ProjectorDigest string
	// Logf receives snapshot cache trouble; nil discards it.
	Logf func(format string, args ...any)
	// SnapshotSaved, when set, hears how each KV snapshot save ended (nil
	// on success), so the app can show the prompt cache as off while saves
	// fail instead of losing the failure in the log.
	SnapshotSaved func(err error)
}

// Model is a loaded local model with its one session. Generations on it
// run one at a time, in the order they asked (Generate waits for the
// previous one, or for its context to end).
type Model struct {
	cfg  Config
	lock chan struct{} // a one-slot semaphore that a waiter can leave
	mu   sync.Mutex    // guards content
	// content names what fills each image position the session holds
	// (zero for text), so that a held image is reused only for the same
	// image.
	content [][32]byte
}

// New returns the Model of cfg.
func New(cfg Config) (*Model, error) {
	if cfg.Model == nil || cfg.Session == nil {
		return nil, errors.New("chatgen: a model and a session are required")
	}
	var err error
	if cfg.Tokenizer == nil {
		if cfg.Tokenizer, err = tokenizer.FromGGUF(cfg.Model.File()); err != nil {
			return nil, err
		}
	}
	if cfg.Format == nil {
		if cfg.Format, err = chat.Detect(cfg.Model.File()); err != nil {
			return nil, err
		}
	}
	if cfg.Stops == nil {
		cfg.Stops = cfg.Format.StopTokens(cfg.Tokenizer)
	}
	if cfg.Cache == nil {
		cfg.Digest = ""
	}
	return &Model{cfg: cfg, lock: make(chan struct{}, 1)}, nil
}

// Describe names the model.
func (m *Model) Describe() Description {
	return Description{Model: m.cfg.Name, Vision: m.cfg.Projector != nil, ContextLen: m.cfg.Session.ContextLen()}
}

// Tokenizer returns the model's tokenizer.
func (m *Model) Tokenizer() *tokenizer.Tokenizer { return m.cfg.Tokenizer }

// Acquire waits for the model to be free (no generation running), or for
// ctx to end, and returns the function that frees it. Generate acquires it
// itself; a caller that must know no generation runs holds it.
func (m *Model) Acquire(ctx context.Context) (func(), error) {
	select {
	case m.lock <- struct{}{}:
		return func() { <-m.lock }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Generate runs req on the model; see Generator.
func (m *Model) Generate(ctx context.Context, req Request, cb Callbacks) (Result, error) {
	release, err := m.Acquire(ctx)
	if err != nil {
		return Result{StopReason: StopCancelled}, nil
	}
	defer release()
	r, err := m.generate(ctx, req, cb)
	m.saveSnapshot()
	return r, err
}

// prompt is a request encoded for the model.
type prompt struct {
	ids     []int32
	content [][32]byte                  // nil without images
	embed   func() ([][]float32, error) // nil without images
}

func (m *Model) encode(req Request) (prompt, error) {
	c := m.cfg
	if req.Raw != "" {
		return prompt{ids: c.Tokenizer.Encode(req.Raw, true, false)}, nil
	}
	if len(req.Messages) == 0 {
		return prompt{}, fmt.Errorf("%w: no messages", ErrBadRequest)
	}
	if len(req.Images) == 0 {
		p, err := chat.Encode(c.Format, c.Tokenizer, req.Messages, true, nil, chat.LayoutTransformers)
		return prompt{ids: p.IDs}, err
	}
	if c.Projector == nil {
		return prompt{}, fmt.Errorf("%w: %w", ErrBadRequest, ErrNoVision)
	}
	imgs := make([]*vision.Image, len(req.Images))
	grids := make([]chat.ImageGrid, len(req.Images))
	for i, im := range req.Images {
		img, err := c.Projector.Preprocess(im.Data)
		if err != nil {
			return prompt{}, fmt.Errorf("%w: image %d: %w", ErrBadRequest, i+1, err)
		}
		imgs[i], grids[i] = img, chat.ImageGrid(c.Projector.Grid(img))
	}
	p, err := chat.Encode(c.Format, c.Tokenizer, req.Messages, true, grids, chat.LayoutTransformers)
	if err != nil {
		return prompt{}, fmt.Errorf("%w: %w", ErrBadRequest, err)
	}
	content := make([][32]byte, len(p.IDs))
	at := 0
	for _, img := range imgs {
		id := kvcache.ImageContentID(c.ProjectorDigest, img.Hash)
		for range c.Projector.Grid(img).ImageTokens() {
			if at < len(p.ImagePositions) {
				content[p.ImagePositions[at]] = id
				at++
			}
		}
	}
	embed := func() ([][]float32, error) {
		var rows [][]float32
		for i, img := range imgs {
			r, err := c.Projector.Encode(img)
			if err != nil {
				return nil, fmt.Errorf("image %d: %w", i+1, err)
			}
			rows = append(rows, r...)
		}
		return vision.Scatter(len(p.IDs), p.ImagePositions, rows)
	}
	return prompt{ids: p.IDs, content: content, embed: embed}, nil
}

func (m *Model) generate(ctx context.Context, req Request, cb Callbacks) (Result, error) {
	var r Result
	p, err := m.encode(req)
	if err != nil {
		r.StopReason = StopError
		return r, err
	}
	r.PromptTokens = len(p.ids)
	start := time.Now()
	cached, err := m.prefill(ctx, p, cb.Prefill)
	r.CachedTokens, r.PrefillTime = cached, time.Since(start)
	switch {
	case ctx.Err() != nil:
		r.StopReason = StopCancelled
		return r, nil
	case errors.Is(err, engine.ErrContextFull):
		r.StopReason = StopContextFull
		return r, fmt.Errorf("The prompt of %d tokens does not fit the model's context of %d tokens: %w", len(p.ids), m.cfg.Session.ContextLen(), err)
	case err != nil:
		r.StopReason = StopError
		return r, err
	}

	s, tok := m.cfg.Session, m.cfg.Tokenizer
	smp := newSampler(m.cfg.Model.VocabSize(), req.Sampling)
	dec := tok.NewStreamDecoder()
	stops := stopMatcher{stops: req.Stop}
	var text []byte
	emit := func(piece string) {
		if piece == "" {
			return
		}
		text = append(text, piece...)
		if cb.Token != nil {
			cb.Token(piece)
		}
	}
	decodeStart := time.Now()
	r.StopReason = StopEOS
	var genErr error
	for id, err := range s.Generate(ctx, smp) {
		if err != nil {
			switch {
			case ctx.Err() != nil:
				r.StopReason = StopCancelled
			case errors.Is(err, engine.ErrContextFull):
				r.StopReason = StopContextFull
			default:
				r.StopReason, genErr = StopError, err
			}
			break
		}
		if slices.Contains(m.cfg.Stops, id) || tok.IsEOG(id) {
			break
		}
		r.CompletionTokens++
		out, hit := stops.add(dec.Add(id))
		emit(out)
		if hit {
			r.StopReason = StopString
			break
		}
		if req.MaxTokens > 0 && r.CompletionTokens >= req.MaxTokens {
			r.StopReason = StopLength
			break
		}
	}
	if r.StopReason != StopString {
		out, hit := stops.add(dec.Flush())
		emit(out)
		if hit {
			r.StopReason = StopString
		} else {
			emit(stops.flush())
		}
	}
	r.DecodeTime = time.Since(decodeStart)
	r.Text = string(text)
	return r, genErr
}

// prefill brings the session to hold p: it keeps the prefix the session
// already holds, or restores the longest prefix the snapshot cache holds
// when that is longer, and computes the rest in chunks, reporting progress
// and stopping when ctx ends. It returns how many positions were not
// computed.
func (m *Model) prefill(ctx context.Context, p prompt, progress func(done, total, cached int, eta time.Duration)) (int, error) {
	if progress == nil {
		progress = func(int, int, int, time.Duration) {}
	}
	s, ids := m.cfg.Session, p.ids
	if len(ids) == 0 {
		return 0, fmt.Errorf("%w: the prompt is empty", ErrBadRequest)
	}
	content := p.content
	if content == nil {
		content = make([][32]byte, len(ids))
	}
	m.mu.Lock()
	heldContent := m.content
	m.mu.Unlock()
	held := s.Tokens()
	common := 0
	// Keep the last prompt token to feed, so that its logits are fresh.
	for common < len(held) && common < len(ids)-1 && held[common] == ids[common] &&
		contentAt(heldContent, common) == content[common] {
		common++
	}
	pages := 0
	if m.cfg.Digest != "" {
		P := m.cfg.Cache.PageTokens()
		n, err := m.cfg.Cache.CountPrefix(ctx, m.cfg.Digest, ids[:len(ids)-1], p.content)
		if err != nil {
			m.logf("chatgen: %v", err)
		}
		// A restore recomputes its last position, which must not be an
		// image position; kvcache.Prefill drops such pages itself.
		if n*P > common {
			pages = n
		}
	}
	in := kvcache.Input{Tokens: ids, Content: p.content, Embed: p.embed}
	switch {
	case pages > 0:
		if err := s.Truncate(0); err != nil {
			return 0, err
		}
		P := m.cfg.Cache.PageTokens()
		part := kvcache.Input{Tokens: ids[:pages*P]}
		if p.content != nil {
			part.Content, part.Embed = p.content[:pages*P], p.embed
		}
		if _, err := m.cfg.Cache.Prefill(ctx, s, m.cfg.Digest, part); err != nil {
			m.setContent(nil)
			return 0, err
		}
	case common < len(held):
		if err := s.Truncate(common); err != nil {
			return 0, err
		}
	}
	m.setContent(content[:s.Pos()])
	cached := s.Pos()
	start := time.Now()
	progress(cached, len(ids), cached, 0)
	var embd [][]float32
	for s.Pos() < len(ids) {
		if err := ctx.Err(); err != nil {
			return cached, err
		}
		from := s.Pos()
		end := min(from+PrefillChunk, len(ids))
		var err error
		if p.embed != nil && slices.ContainsFunc(content[from:end], func(id [32]byte) bool { return id != [32]byte{} }) {
			if embd == nil {
				if embd, err = in.Embed(); err != nil {
					return cached, err
				}
			}
			err = s.PrefillEmbeddings(ids[from:end], embd[from:end])
		} else {
			err = s.Prefill(ids[from:end])
		}
		if err != nil {
			m.setContent(content[:s.Pos()])
			return cached, err
		}
		m.setContent(content[:s.Pos()])
		done := s.Pos() - cached
		left := len(ids) - s.Pos()
		eta := time.Duration(float64(time.Since(start)) / float64(done) * float64(left))
		progress(s.Pos(), len(ids), cached, eta)
	}
	return cached, nil
}

func contentAt(c [][32]byte, i int) [32]byte {
	if i < len(c) {
		return c[i]
	}
	return [32]byte{}
}

func (m *Model) setContent(c [][32]byte) {
	m.mu.Lock()
	m.content = slices.Clone(c)
	m.mu.Unlock()
}

// saveSnapshot stores the session's whole KV pages not yet stored, so that
// the prefix is served from the cache later (after a restart, or after
// another conversation used the session).
func (m *Model) saveSnapshot() {
	if m.cfg.Digest == "" {
		return
	}
	m.mu.Lock()
	content := slices.Clone(m.content)
	m.mu.Unlock()
	if !slices.ContainsFunc(content, func(id [32]byte) bool { return id != [32]byte{} }) {
		content = nil
	}
	_, err := m.cfg.Cache.Save(context.Background(), m.cfg.Session, m.cfg.Digest, content)
	if err != nil {
		m.logf("chatgen: %v", err)
	}
	if m.cfg.SnapshotSaved != nil {
		m.cfg.SnapshotSaved(err)
	}
}

func (m *Model) logf(format string, args ...any) {
	if m.cfg.Logf != nil {
		m.cfg.Logf(format, args...)
	}
}

// newSampler builds the sampler chain of s; seed 0 means a new random
// seed each time.
func newSampler(vocab int, s Sampling) sample.Sampler {
	seed := uint64(s.Seed)
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	return sample.New(vocab, sample.Options{
		Temperature: float32(s.Temperature), TopK: s.TopK, TopP: float32(s.TopP), MinP: float32(s.MinP),
		RepeatPenalty: float32(s.RepeatPenalty), Seed: seed,
	})
}
