package kvcache

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
	"weak"

	"hearth/engine"
	"hearth/storage"
)

// DefaultPageTokens is the page size when Options.PageTokens is 0.
const DefaultPageTokens = 256

// Options configure a Cache. The zero value is usable.
type Options struct {
	// PageTokens is the number of positions per page; 0 means
	// DefaultPageTokens. A different page size makes different keys, so
	// pages saved with one size are not found with another.
	PageTokens int
	// Encoding is how pages store K/V rows. engine.PageRaw restores the
	// exact cache; engine.PageQ8_0 takes about half the disk of f16 at a
	// small cost in accuracy. A cache only restores pages of its own
	// encoding (and overwrites others as it saves).
	Encoding engine.PageEncoding
	// Logf receives discarded pages, storage trouble and hashing
	// progress; nil discards them.
	Logf func(format string, args ...any)
}

// Cache saves and restores sessions' KV pages in a storage.DB. It is safe
// for concurrent use, each session by one goroutine at a time.
type Cache struct {
	db   *storage.DB
	opts Options

	mu sync.Mutex
	// stored remembers, per live session, the prefix hashes of the pages
	// known to be in storage along its tokens, so Save writes only new
	// pages. Weak keys let sessions be collected without telling the cache.
	stored map[weak.Pointer[engine.Session]][][32]byte
	// batchBytes is saveBatchBytes; tests lower it.
	batchBytes int
}

// New returns a cache over db with the default options and logf (which may
// be nil) for its log.
func New(db *storage.DB, logf func(format string, args ...any)) *Cache {
	return NewWith(db, Options{Logf: logf})
}

// NewWith returns a cache over db with opts.
func NewWith(db *storage.DB, opts Options) *Cache {
	if opts.PageTokens <= 0 {
		opts.PageTokens = DefaultPageTokens
	}
	return &Cache{db: db, opts: opts, stored: map[weak.Pointer[engine.Session]][][32]byte{}, batchBytes: saveBatchBytes}
}

// PageTokens returns the page size in positions.
func (c *Cache) PageTokens() int { return c.opts.PageTokens }

func (c *Cache) logf(format string, args ...any) {
	if c.opts.Logf != nil {
		c.opts.Logf(format, args...)
	}
}

// encodingName is the storage label of the cache's page encoding.
func (c *Cache) encodingName() string { return "hearth-kv1-" + c.opts.Encoding.String() }

// Input is a prompt to prefill: its tokens and, for prompts with images,
// what fills the embedding positions.
type Input struct {
	Tokens []int32
	// Content is nil or has one entry per token: non-zero for a position
	// filled by an embedding, naming it (ImageContentID), so that it is
	// part of the prefix hash.
	Content [][32]byte
	// Embed is nil for a text-only prompt; otherwise Content must be set
	// and Embed returns one entry per token, the embedding of each image
	// position and nil elsewhere (the embd argument of
	// Session.PrefillEmbeddings). It is called only when image positions
	// must be computed, so a fully cached image costs no encoder run.
	Embed func() ([][]float32, error)
	// Progress, when set, hears positions done of the total after the
	// restore and then after every ProgressChunk computed positions of a
	// text prompt, which is then fed in chunks so that a cancel of the
	// context stops it between two.
	Progress func(done, total int)
}

// ProgressChunk is how many positions are computed between two Progress
// reports.
const ProgressChunk = 256

// Result reports what Prefill did.
type Result struct {
	// Restored counts the positions taken from the cache (or already held
	// by the session), Prefilled those computed.
	Restored, Prefilled int
	// Discarded counts pages found damaged or unusable and dropped; they
	// are recomputed.
	Discarded int
	// RestoredBytes is the size of the page data restored.
	RestoredBytes int64
	// RestoreTime covers reading and restoring pages (ReadTime of it
	// reading and verifying them in storage; the rest is the engine's
	// check, copying rows into the cache and recomputing the last
	// position for its logits), PrefillTime computing the rest.
	RestoreTime, ReadTime, PrefillTime time.Duration
}

// Prefill feeds in to s, restoring the longest prefix the cache holds and
// computing only the rest. s must be empty or hold a prefix of in.Tokens
// (a conversation that grew), which is then kept as it is. Prefill does
// not save; call Save afterwards. Trouble with storage or a damaged page
// is logged and costs only recomputation; an error means the session
// could not be fed.
func (c *Cache) Prefill(ctx context.Context, s *engine.Session, digest string, in Input) (Result, error) {
	var r Result
	if in.Content != nil && len(in.Content) != len(in.Tokens) {
		return r, fmt.Errorf("kvcache: %d content ids for %d tokens", len(in.Content), len(in.Tokens))
	}
	if in.Embed != nil && in.Content == nil {
		// Keys without content ids would let another image's pages match.
		return r, errors.New("kvcache: a prompt with embeddings needs content ids")
	}
	held := s.Pos()
	if held > len(in.Tokens) || !slices.Equal(s.Tokens()[:held], in.Tokens[:held]) {
		return r, fmt.Errorf("kvcache: the session's %d positions are not a prefix of the %d-token input", held, len(in.Tokens))
	}
	if held == 0 {
		start := time.Now()
		r = c.restore(ctx, s, digest, in)
		r.RestoreTime = time.Since(start)
	} else {
		r.Restored = held
	}
	start := time.Now()
	err := c.feed(ctx, s, in)
	r.PrefillTime = time.Since(start)
	r.Prefilled = s.Pos() - r.Restored
	return r, err
}

// restore loads the longest usable run of cached pages for in into the
// empty session s. Every failure is logged and costs only recomputation.
func (c *Cache) restore(ctx context.Context, s *engine.Session, digest string, in Input) Result {
	var r Result
	hashes := PrefixHashes(in.Tokens, in.Content, c.opts.PageTokens)
	if len(hashes) == 0 {
		return r
	}
	start := time.Now()
	pages, err := c.db.LongestKVPrefix(ctx, digest, hashes)
	r.ReadTime = time.Since(start)
	if errors.Is(err, storage.ErrCorruptPage) {
		c.logf("kvcache: discarded a damaged snapshot page, recomputing from token %d: %v", len(pages)*c.opts.PageTokens, err)
		r.Discarded++
	} else if err != nil {
		c.logf("kvcache: snapshot lookup failed, computing the whole prompt: %v", err)
		return r
	}
	P := c.opts.PageTokens
	data := make([][]byte, 0, len(pages))
	for i, p := range pages {
		if p.Encoding != c.encodingName() {
			break
		}
		if !slices.Equal(p.Tokens, in.Tokens[i*P:(i+1)*P]) {
			c.logf("kvcache: snapshot page %d holds other tokens than its key says; recomputing from token %d", i, i*P)
			r.Discarded++
			break
		}
		data = append(data, p.Data)
	}
	// A restore recomputes its last position for the logits, which an
	// image position cannot be.
	for len(data) > 0 && in.Content != nil && in.Content[len(data)*P-1] != ([32]byte{}) {
		data = data[:len(data)-1]
	}
	n, err := s.RestorePrefix(data)
	if errors.Is(err, engine.ErrBadSnapshot) {
		c.logf("kvcache: discarded an unusable snapshot page, recomputing from token %d: %v", n*P, err)
		r.Discarded++
	} else if err != nil {
		c.logf("kvcache: snapshot restore failed, computing the whole prompt: %v", err)
		return Result{Discarded: r.Discarded, ReadTime: r.ReadTime}
	}
	for _, d := range data[:n] {
		r.RestoredBytes += int64(len(d))
	}
	r.Restored = s.Pos()
	c.remember(s, hashes[:n])
	return r
}

// FeedText prefills the text tokens s does not hold yet (tokens[s.Pos():])
// in ProgressChunk pieces, reporting positions done of len(tokens) after
// each, and stops between two pieces when ctx ends, keeping what was
// computed.
func FeedText(ctx context.Context, s *engine.Session, tokens []int32, progress func(done, total int)) error {
	for s.Pos() < len(tokens) {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(s.Pos()+ProgressChunk, len(tokens))
		if err := s.Prefill(tokens[s.Pos():end]); err != nil {
			return fmt.Errorf("kvcache: prefill: %w", err)
		}
		progress(s.Pos(), len(tokens))
	}
	return nil
}

// feed prefills the positions of in that s does not hold yet.
func (c *Cache) feed(ctx context.Context, s *engine.Session, in Input) error {
	from := s.Pos()
	rest := in.Tokens[from:]
	if in.Progress != nil {
		in.Progress(from, len(in.Tokens))
	}
	if len(rest) == 0 {
		return nil
	}
	if in.Embed == nil || !slices.ContainsFunc(in.Content[from:], func(id [32]byte) bool { return id != [32]byte{} }) {
		if in.Progress == nil {
			if err := s.Prefill(rest); err != nil {
				return fmt.Errorf("kvcache: prefill: %w", err)
			}
			return nil
		}
		return FeedText(ctx, s, in.Tokens, in.Progress)
	}
	embd, err := in.Embed()
	if err != nil {
		return fmt.Errorf("kvcache: prefill: %w", err)
	}
	if len(embd) != len(in.Tokens) {
		return fmt.Errorf("kvcache: prefill: %d embeddings for %d tokens", len(embd), len(in.Tokens))
	}
	if err := s.PrefillEmbeddings(rest, embd[from:]); err != nil {
		return fmt.Errorf("kvcache: prefill: %w", err)
	}
	return nil
}

// Save stores the whole pages of s that storage does not hold yet (as far
// as this cache knows) under digest, and returns how many it wrote;
// storage then evicts least-recently-used pages beyond its budget. Pages
// go to storage in batches of one transaction each, so after an error the
// pages of earlier batches stay stored (and are counted). content
// is Input.Content of what was prefilled (positions after it, such as
// generated tokens, are plain tokens).
func (c *Cache) Save(ctx context.Context, s *engine.Session, digest string, content [][32]byte) (int, error) {
	P := c.opts.PageTokens
	hashes := PrefixHashes(s.Tokens(), content, P)
	known := c.known(s)
	from := 0
	for from < len(known) && from < len(hashes) && known[from] == hashes[from] {
		from++
	}
	tokens := s.Tokens()
	var (
		batch      []storage.KVPage
		batchBytes int
	)
	// flush stores the batch, which holds the pages before k.
	flush := func(k int) error {
		if err := c.db.PutKVPages(ctx, batch); err != nil {
			c.remember(s, hashes[:k-len(batch)])
			return fmt.Errorf("kvcache: save: %w", err)
		}
		batch, batchBytes = batch[:0], 0
		return nil
	}
	for k := from; k < len(hashes); k++ {
		data, err := s.SnapshotPage(k*P, P, c.opts.Encoding)
		if err != nil {
			if err := flush(k); err != nil {
				return k - from - len(batch), err
			}
			c.remember(s, hashes[:k])
			return k - from, fmt.Errorf("kvcache: save: %w", err)
		}
		batch = append(batch, storage.KVPage{
			ModelDigest: digest, PrefixHash: hashes[k], Index: k,
			Tokens: tokens[k*P : (k+1)*P], Encoding: c.encodingName(), Data: data,
		})
		batchBytes += len(data)
		if batchBytes >= c.batchBytes {
			if err := flush(k + 1); err != nil {
				return k + 1 - from - len(batch), err
			}
		}
	}
	if err := flush(len(hashes)); err != nil {
		return len(hashes) - from - len(batch), err
	}
	c.remember(s, hashes)
	return len(hashes) - from, nil
}

// saveBatchBytes bounds the page data Save stores per transaction: large
// enough that the commit's fsync and the budget check are paid rarely,
// small enough that a long context's snapshot is not all held in memory.
const saveBatchBytes = 16 << 20

// known returns the prefix hashes of the pages of s known to be stored.
func (c *Cache) known(s *engine.Session) [][32]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stored[weak.Make(s)]
}

// remember records hashes as the stored pages of s, and forgets sessions
// that have been collected.
func (c *Cache) remember(s *engine.Session, hashes [][32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.stored {
		if k.Value() == nil {
			delete(c.stored, k)
		}
	}
	c.stored[weak.Make(s)] = slices.Clone(hashes)
}
