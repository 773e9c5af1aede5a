package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"time"

	"hearth/app/kvcache"
	"hearth/engine"
	"hearth/engine/chat"
	"hearth/engine/kv"
	"hearth/engine/model/vision"
	"hearth/engine/sample"
	"hearth/engine/tokenizer"
	"hearth/storage"
)

// stringList is a repeatable string flag (--override-kv K=T:V ...).
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

// Set appends one value.
func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// modelFlags are the flags every inference subcommand shares.
type modelFlags struct {
	model     string
	threads   int
	ctx       int
	kvType    string
	reference bool
	overrides stringList
	budget    byteSize
	backend   backendFlags
}

func (mf *modelFlags) register(fs *flag.FlagSet, defaultKV string) {
	fs.StringVar(&mf.model, "model", "", "GGUF `file` to run (required)")
	fs.IntVar(&mf.threads, "threads", 0, "worker threads (0: one per CPU)")
	fs.IntVar(&mf.ctx, "ctx", 0, "context length in tokens (0: what fits in memory, up to the trained context)")
	fs.StringVar(&mf.kvType, "kv-type", defaultKV, "KV cache element type: f16 or f32")
	fs.BoolVar(&mf.reference, "reference-math", false, "dequantize weights and compute in f32 instead of llama.cpp's quantized dot products")
	fs.Var(&mf.budget, "memory-budget", "most memory the model may take, weights + KV cache + scratch, e.g. 8GiB (0: the machine's available memory); a model that needs more is refused before it loads, with the numbers")
	fs.Var(&mf.overrides, "override-kv", "override a metadata value, `KEY=TYPE:VALUE` with TYPE int|float|bool|str (repeatable)")
	mf.backend.register(fs)
}

func (mf *modelFlags) load() (*engine.Model, kv.Type, error) {
	kt, err := kv.ParseType(mf.kvType)
	if err != nil {
		return nil, 0, err
	}
	bk, policy, err := mf.backend.options()
	if err != nil {
		return nil, 0, err
	}
	m, err := engine.Load(mf.model, engine.LoadOptions{
		Overrides: mf.overrides, Threads: mf.threads, ReferenceMath: mf.reference, ContextLen: mf.ctx, KVType: kt,
		MemoryBudget: int64(mf.budget),
		Backend:      bk, Placement: policy,
	})
	return m, kt, err
}

// parseFlags parses args, printing usage on error; ok false means exit with
// code.
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	return 0, true
}

// runRun implements `hearth run`: chat with a model on the command line.
func runRun(args []string, stdout, stderr io.Writer) int {
	return runChat(args, os.Stdin, stdout, stderr)
}

// runChat is `hearth run` reading interactive turns from stdin.
func runChat(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var mf modelFlags
	mf.register(fs, "f16")
	prompt := fs.String("prompt", "", "user message; without it, read messages from stdin, one per line, keeping the conversation")
	system := fs.String("system", "", "system message")
	n := fs.Int("n", 512, "most tokens to generate per answer")
	temp := fs.Float64("temp", 0.8, "sampling temperature (0: greedy)")
	topK := fs.Int("top-k", 40, "top-k (0: off)")
	topP := fs.Float64("top-p", 0.95, "top-p (1: off)")
	minP := fs.Float64("min-p", 0.05, "min-p (0: off)")
	repeat := fs.Float64("repeat-penalty", 1.0, "repetition penalty (1: off)")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "random seed")
	mmproj := fs.String("mmproj", "", "Llama 4 vision projector GGUF `file` (needed by --image)")
	contextPath := fs.String("context", "", "folder or document `path` to ask about: its text files (honouring .gitignore) go into the system message, oldest first, each after a line \"=== path ===\"")
	var contextMax byteSize
	fs.Var(&contextMax, "context-max-file", "files of --context larger than this are skipped, e.g. 4MiB (0: 1 MiB)")
	var images stringList
	fs.Var(&images, "image", "image `file` (PNG, JPEG, GIF, WebP) attached to the first message; repeat for several, in order")
	var co cacheOptions
	co.register(fs)
	// --remote: a remote OpenAI-compatible engine instead of --model (issue 14).
	var rf remoteFlags
	rf.register(fs.StringVar)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hearth run --model FILE.gguf [--prompt TEXT] [--system TEXT] [-n N] [--temp T] [--seed S] [--threads N] [--ctx N] [--override-kv K=T:V] [--mmproj PROJ.gguf --image FILE ...] [--context DIR] [--no-cache]\n       hearth run --remote URL [--remote-model ID] [--api-key KEY] [--prompt TEXT] ...")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if rf.url != "" {
		if mf.model != "" || len(images) > 0 {
			fmt.Fprintln(stderr, "hearth run: --remote replaces --model; images go only to a local model here")
			return 2
		}
		return runRemoteChat(rf, *prompt, *system, *n, *temp, *topP, int64(*seed), stdin, stdout, stderr)
	}
	if mf.model == "" || fs.NArg() != 0 || (len(images) > 0) != (*mmproj != "") {
		fmt.Fprintln(stderr, "hearth run: need --model (and no positional arguments); --image and --mmproj go together")
		fs.Usage()
		return 2
	}
	// A bad image fails at once, not after the slow model load.
	for _, path := range images {
		if err := checkImage(path); err != nil {
			fmt.Fprintln(stderr, "hearth run:", err)
			return 1
		}
	}
	if *contextPath != "" {
		// The folder is read before the slow model load, so that a wrong
		// path fails at once.
		text, err := contextSystem(context.Background(), *contextPath, *system, int64(contextMax), stderr)
		if err != nil {
			fmt.Fprintln(stderr, "hearth run:", err)
			return 1
		}
		*system = text
	}
	m, kt, err := mf.load()
	if err != nil {
		fmt.Fprintln(stderr, "hearth run:", err)
		return 1
	}
	defer m.Close()
	c, err := newChat(m, kt, *system)
	if err != nil {
		fmt.Fprintln(stderr, "hearth run:", err)
		return 1
	}
	c.maxTokens = *n
	var proj *vision.Projector
	if len(images) > 0 {
		if proj, err = loadProjector(*mmproj, m); err != nil {
			fmt.Fprintln(stderr, "hearth run:", err)
			return 1
		}
		defer proj.Close()
		for _, path := range images {
			img, err := loadImage(proj, path)
			if err != nil {
				fmt.Fprintln(stderr, "hearth run:", err)
				return 1
			}
			g := img.grid
			fmt.Fprintf(stderr, "[image %s: %d×%d, %d tiles, %d positions]\n", path, img.img.Width, img.img.Height, g.Tiles(), g.ImageTokens())
			c.pending = append(c.pending, img)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if !co.off {
		// A cache the user did not turn off is never dropped silently: an
		// unusable data directory stops the run, naming the way around it.
		closeCache, err := c.openCache(ctx, co, mf, kt, *mmproj, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "hearth run: snapshot cache: %v (fix the data directory, set %s, or run with --no-cache)\n", err, storage.DataDirEnv)
			return 1
		}
		defer closeCache()
	}
	fmt.Fprintf(stderr, "[%s: %d threads, context %d; %s]\n", mf.model, m.Threads(), c.s.ContextLen(), c.s.KVReport())
	c.sampler = sample.New(m.VocabSize(), sample.Options{
		Temperature: float32(*temp), TopK: *topK, TopP: float32(*topP), MinP: float32(*minP),
		RepeatPenalty: float32(*repeat), Seed: *seed,
	})
	return promptLoop(*prompt, stdin, stderr,
		func(text string) error { return c.turn(ctx, text, stdout, stderr) },
		func(err error) bool { return errors.Is(err, engine.ErrContextFull) || ctx.Err() != nil })
}

// loadProjector loads a vision projector for m.
func loadProjector(path string, m *engine.Model) (*vision.Projector, error) {
	p, err := vision.Load(path)
	if err != nil {
		return nil, err
	}
	if p.EmbedDim() != m.Config().Embd {
		p.Close()
		return nil, fmt.Errorf("%s projects to %d values, the model's embeddings have %d", path, p.EmbedDim(), m.Config().Embd)
	}
	// chat.LayoutTransformers lays the prompt out as the model was
	// trained, so the tiles' tokens follow transformers' order too
	// (hearth eval reproduces llama.cpp's instead).
	p.Order = vision.OrderTransformers
	return p, nil
}

// chatSession is a conversation kept in one engine session across turns.
type chatSession struct {
	m         *engine.Model
	s         *engine.Session
	tok       *tokenizer.Tokenizer
	format    chat.Format
	stops     []int32
	msgs      []chat.Message
	sampler   sample.Sampler
	maxTokens int
	// pending images go with the next user message; images are those
	// already in msgs, in order.
	pending, images []*chatImage
	// cache, when set, restores and saves the session's KV pages under
	// digest; image positions are keyed by projDigest and the image.
	cache      *kvcache.Cache
	digest     string
	projDigest string
}

func newChat(m *engine.Model, kt kv.Type, system string) (*chatSession, error) {
	tok, err := tokenizer.FromGGUF(m.File())
	if err != nil {
		return nil, err
	}
	format, err := chat.Detect(m.File())
	if err != nil {
		return nil, err
	}
	s, err := m.NewSession(engine.SessionOptions{KVType: kt})
	if err != nil {
		return nil, err
	}
	c := &chatSession{m: m, s: s, tok: tok, format: format, stops: format.StopTokens(tok)}
	if system != "" {
		c.msgs = append(c.msgs, chat.Message{Role: "system", Content: system})
	}
	return c, nil
}

// turn adds a user message, prefills what the session does not hold yet
// (restoring what the snapshot cache holds) and streams the answer to
// stdout, with speeds on stderr.
func (c *chatSession) turn(ctx context.Context, text string, stdout, stderr io.Writer) error {
	msg := chat.Message{Role: "user", Content: text}
	if len(c.pending) > 0 {
		msg.Images = len(c.pending)
		c.images = append(c.images, c.pending...)
		c.pending = nil
	}
	c.msgs = append(c.msgs, msg)
	p, err := chat.Encode(c.format, c.tok, c.msgs, true, imageGrids(c.images), chat.LayoutTransformers)
	if err != nil {
		return err
	}
	if len(p.IDs) >= c.s.ContextLen() {
		return fmt.Errorf("the prompt is %s tokens and the context holds %s: give a larger --ctx, or leave files out of --context (a .gitignore in the folder is honoured): %w",
			thousands(len(p.IDs)), thousands(c.s.ContextLen()), engine.ErrContextFull)
	}
	// Reuse the cached prefix; re-tokenized history may differ from the
	// generated ids, so cut back to the common part.
	held := c.s.Tokens()
	common := 0
	for common < len(held) && common < len(p.IDs)-1 && held[common] == p.IDs[common] {
		common++
	}
	if common < len(held) {
		if err := c.s.Truncate(common); err != nil {
			return err
		}
	}
	in := kvcache.Input{Tokens: p.IDs}
	if len(p.ImagePositions) > 0 {
		in.Embed = func() ([][]float32, error) { return imageEmbeddings(c.images, len(p.IDs), p.ImagePositions) }
	}
	fresh := common == 0
	start := time.Now()
	var prefilled int
	var prefill time.Duration
	if c.cache != nil {
		in.Content = c.contentIDs(p)
		var bar *progressBar
		if len(p.IDs)-common >= progressBarFrom {
			bar = newProgressBar(stderr, "prefill")
			in.Progress = bar.update
		}
		r, err := c.cache.Prefill(ctx, c.s, c.digest, in)
		if bar != nil {
			bar.finish()
		}
		if err != nil {
			// Pages computed before a cancel are kept for the next run.
			if _, serr := c.cache.Save(context.Background(), c.s, c.digest, in.Content); serr != nil {
				fmt.Fprintf(stderr, "[snapshot cache: %v]\n", serr)
			}
			return err
		}
		if fresh {
			fmt.Fprintf(stderr, "[restored %s of %s tokens from cache in %.3fs]\n", thousands(r.Restored), thousands(len(p.IDs)), r.RestoreTime.Seconds())
		}
		prefilled, prefill = r.Prefilled, r.PrefillTime
		saveStart := time.Now()
		if pages, err := c.cache.Save(ctx, c.s, c.digest, in.Content); err != nil {
			fmt.Fprintf(stderr, "[snapshot cache: %v]\n", err)
		} else if pages > 0 {
			fmt.Fprintf(stderr, "[saved %d snapshot pages in %.3fs]\n", pages, time.Since(saveStart).Seconds())
		}
	} else {
		if err := prefillPlain(ctx, c.s, in, p.ImagePositions, common, stderr); err != nil {
			return err
		}
		prefilled, prefill = len(p.IDs)-common, time.Since(start)
	}
	start = time.Now()
	dec := c.tok.NewStreamDecoder()
	var answer strings.Builder
	out := bufio.NewWriter(stdout)
	n := 0
	var genErr error
	for id, err := range c.s.Generate(ctx, c.sampler) {
		if err != nil {
			genErr = err
			break
		}
		n++
		if slices.Contains(c.stops, id) || c.tok.IsEOG(id) {
			break
		}
		piece := dec.Add(id)
		answer.WriteString(piece)
		out.WriteString(piece)
		out.Flush()
		if n >= c.maxTokens {
			break
		}
	}
	rest := dec.Flush()
	answer.WriteString(rest)
	out.WriteString(rest + "\n")
	out.Flush()
	decode := time.Since(start)
	c.msgs = append(c.msgs, chat.Message{Role: "assistant", Content: answer.String()})
	fmt.Fprintf(stderr, "[prefill %d tokens in %.2fs (%.1f tok/s), decode %d tokens in %.2fs (%.1f tok/s), context %d/%d]\n",
		prefilled, prefill.Seconds(), rate(prefilled, prefill), n, decode.Seconds(), rate(n, decode), c.s.Pos(), c.s.ContextLen())
	return genErr
}

// progressBarFrom is the prompt length from which `hearth run` draws a
// prefill progress bar: shorter prompts are read before one would show.
const progressBarFrom = 2048

// prefillPlain feeds in.Tokens from position from on without the snapshot
// cache, encoding images only when some of their positions are still to
// be fed.
func prefillPlain(ctx context.Context, s *engine.Session, in kvcache.Input, imagePositions []int, from int, stderr io.Writer) error {
	if in.Embed == nil || slices.Max(imagePositions) < from {
		if len(in.Tokens)-from < progressBarFrom {
			return s.Prefill(in.Tokens[from:])
		}
		bar := newProgressBar(stderr, "prefill")
		defer bar.finish()
		bar.update(s.Pos(), len(in.Tokens))
		return kvcache.FeedText(ctx, s, in.Tokens, bar.update)
	}
	embd, err := in.Embed()
	if err != nil {
		return err
	}
	return s.PrefillEmbeddings(in.Tokens[from:], embd[from:])
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// thousands formats n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
