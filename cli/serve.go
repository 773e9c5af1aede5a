package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"hearth/app/chatgen"
	"hearth/app/kvcache"
	"hearth/engine"
	"hearth/server"
	"hearth/storage"
)

// runServe implements `hearth serve`: the OpenAI-compatible API on a
// model, until interrupted.
func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var mf modelFlags
	mf.register(fs, "f16")
	host := fs.String("host", "127.0.0.1", "address to listen on; anything but loopback needs --allow-network and --api-key")
	port := fs.Int("port", 8080, "port to listen on (0: any free port, printed on stdout)")
	allowNet := fs.Bool("allow-network", false, "allow listening on a non-loopback address (requires an API key)")
	apiKey := fs.String("api-key", "", "require this key as Authorization: Bearer KEY (default $HEARTH_API_KEY)")
	var cors stringList
	fs.Var(&cors, "cors-origin", "let browser pages from `ORIGIN` call the API (repeatable; * for any); off by default")
	queue := fs.Int("queue", server.DefaultQueue, "requests that may wait or run at once; more get 503 with Retry-After")
	name := fs.String("name", "", "model id the API reports and accepts (default: the file name without .gguf)")
	mmproj := fs.String("mmproj", "", "Llama 4 vision projector GGUF `file`, to accept image_url parts")
	noCache := fs.Bool("no-cache", false, "do not restore or save KV snapshots (kept in hearth.db in the data directory; HEARTH_DATA_DIR overrides it)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hearth serve --model FILE.gguf [--mmproj PROJ.gguf] [--host 127.0.0.1] [--port 8080] [--api-key KEY] [--allow-network] [--cors-origin ORIGIN] [--queue N] [--name ID] [--no-cache]")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if mf.model == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "hearth serve: need --model (and no positional arguments)")
		fs.Usage()
		return 2
	}
	if *apiKey == "" {
		*apiKey = os.Getenv("HEARTH_API_KEY")
	}
	if *name == "" {
		*name = strings.TrimSuffix(filepath.Base(mf.model), ".gguf")
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "hearth serve:", err)
		return 1
	}
	m, kt, err := mf.load()
	if err != nil {
		return fail(err)
	}
	defer m.Close()
	sess, err := m.NewSession(engine.SessionOptions{KVType: kt})
	if err != nil {
		return fail(err)
	}
	cfg := chatgen.Config{Name: *name, Model: m, Session: sess, Logf: func(f string, a ...any) { fmt.Fprintf(stderr, "["+f+"]\n", a...) }}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *mmproj != "" {
		p, err := loadProjector(*mmproj, m)
		if err != nil {
			return fail(err)
		}
		defer p.Close()
		cfg.Projector = p
	}
	if *noCache {
		fmt.Fprintln(stderr, "[snapshot cache off: --no-cache]")
	} else if closeCache, err := serveCache(ctx, &cfg, mf, kt, *mmproj); err != nil {
		// Answers do not need the cache: say so and go on.
		fmt.Fprintf(stderr, "[snapshot cache off: %v]\n", err)
	} else {
		defer closeCache()
	}
	g, err := chatgen.New(cfg)
	if err != nil {
		return fail(err)
	}
	srv, err := server.New(func() (chatgen.Generator, error) { return g, nil }, server.Options{
		Addr: net.JoinHostPort(*host, strconv.Itoa(*port)), AllowNonLoopback: *allowNet, APIKey: *apiKey,
		CORSOrigins: cors, Queue: *queue,
		Logf: func(f string, a ...any) { fmt.Fprintf(stderr, f+"\n", a...) },
	})
	if err != nil {
		return fail(err)
	}
	addr, err := srv.Start()
	if err != nil {
		return fail(err)
	}
	vis := "text only (no --mmproj)"
	if cfg.Projector != nil {
		vis = "text and images"
	}
	fmt.Fprintf(stderr, "[%s as %q: %d threads, context %d, %s]\n", mf.model, *name, m.Threads(), sess.ContextLen(), vis)
	fmt.Fprintf(stdout, "hearth serve: listening on http://%s/v1\n", addr)
	<-ctx.Done()
	fmt.Fprintln(stderr, "[stopping]")
	if err := srv.Close(); err != nil {
		return fail(err)
	}
	return 0
}

// serveCache attaches the snapshot cache in the default database to cfg,
// keyed as `hearth run` keys it, and returns what closes it.
func serveCache(ctx context.Context, cfg *chatgen.Config, mf modelFlags, kt fmt.Stringer, mmproj string) (func(), error) {
	db, err := storage.OpenDefault()
	if err != nil {
		return nil, err
	}
	cache := kvcache.New(db, cfg.Logf)
	extra := []string{"kv=" + kt.String()}
	if mf.reference {
		extra = append(extra, "math=reference")
	}
	for _, o := range mf.overrides {
		extra = append(extra, "override="+o)
	}
	if cfg.Digest, err = cache.ModelDigest(ctx, mf.model, extra...); err != nil {
		db.Close()
		return nil, err
	}
	if mmproj != "" {
		if cfg.ProjectorDigest, err = cache.ModelDigest(ctx, mmproj, "order=transformers"); err != nil {
			db.Close()
			return nil, err
		}
	}
	cfg.Cache = cache
	return func() { db.Close() }, nil
}
