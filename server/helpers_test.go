package server

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"hearth/app/chatgen"
	"hearth/app/kvcache"
	"hearth/engine"
	"hearth/engine/model/vision"
	"hearth/storage"
)

const tinyScout = "tiny-llama4-scout-f32.gguf"

// fixture returns a path under ../shared/fixtures, skipping the test when
// the fixtures are not beside the repository.
func fixture(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "shared", "fixtures"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("fixture %s not found (../shared/fixtures beside the repository): %v", p, err)
	}
	return p
}

// recorder wraps a generator and hands each result to the test, so that
// a test can see how a generation whose client left ended.
type recorder struct {
	chatgen.Generator
	results chan chatgen.Result
}

func (r *recorder) Generate(ctx context.Context, req chatgen.Request, cb chatgen.Callbacks) (chatgen.Result, error) {
	res, err := r.Generator.Generate(ctx, req, cb)
	select {
	case r.results <- res:
	default:
	}
	return res, err
}

// tinyModel loads the tiny Llama 4 fixture with its vision projector and
// a snapshot cache in a throw-away database.
func tinyModel(t testing.TB) *chatgen.Model {
	t.Helper()
	m, err := engine.Load(fixture(t, "models", tinyScout), engine.LoadOptions{ContextLen: 4096})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	s, err := m.NewSession(engine.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := vision.Load(fixture(t, "vision", "tiny-llama4-mmproj-f32.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	p.Order = vision.OrderTransformers
	t.Cleanup(func() { p.Close() })
	db, err := storage.Open(filepath.Join(t.TempDir(), "hearth.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cache := kvcache.New(db, t.Logf)
	digest, err := cache.ModelDigest(context.Background(), fixture(t, "models", tinyScout))
	if err != nil {
		t.Fatal(err)
	}
	g, err := chatgen.New(chatgen.Config{
		Name: "tiny", Model: m, Session: s, Cache: cache, Digest: digest,
		Projector: p, ProjectorDigest: "proj", Logf: t.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// serve starts the API over g with opts on an httptest server and
// returns its /v1 URL.
func serve(t testing.TB, g chatgen.Generator, opts Options) (string, *Server) {
	t.Helper()
	opts.Addr = "127.0.0.1:0"
	s, err := New(func() (chatgen.Generator, error) { return g, nil }, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts.URL + "/v1", s
}
