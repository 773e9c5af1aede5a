package kvcache

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"hearth/engine"
	"hearth/engine/kv"
	"hearth/storage"
)

// setup loads a golden's model and returns it with a cache over a fresh
// database and the digest its pages go under.
func setup(t *testing.T, g *golden, kt kv.Type, opts Options) (*engine.Model, *Cache, string, *logRecorder, *storage.DB, *[]*storage.CorruptPageError) {
	t.Helper()
	m, err := engine.Load(g.modelPath(), engine.LoadOptions{Overrides: g.Overrides, Threads: 2, ContextLen: 128})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	db, corrupt := openDB(t)
	rec := &logRecorder{}
	opts.Logf = rec.logf
	c := NewWith(db, opts)
	digest, err := c.ModelDigest(context.Background(), g.modelPath(), append([]string{"kv=" + kt.String()}, g.Overrides...)...)
	if err != nil {
		t.Fatal(err)
	}
	return m, c, digest, rec, db, corrupt
}

func newSession(t *testing.T, m *engine.Model, kt kv.Type) *engine.Session {
	t.Helper()
	s, err := m.NewSession(engine.SessionOptions{ContextLen: 128, KVType: kt})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPrefillRestoresSavedPrefix saves a prompt's first 40 tokens, then
// prefills the whole prompt from the cache: the restored session must give
// exactly the logits of an uncached one, and llama.cpp's greedy tokens.
// The chunk16 case has pages without chunked-layer rows, so the restore
// recomputes the current chunk.
func TestPrefillRestoresSavedPrefix(t *testing.T) {
	for _, c := range []struct {
		golden string
		kt     kv.Type
		page   int
	}{
		{"scout-f32", kv.F32, 16},
		{"scout-f32", kv.F16, 8},
		{"scout-f32-chunk16", kv.F32, 16},
		{"scout-f32-chunk16", kv.F32, 5},
		{"llama3-f32", kv.F32, 16},
	} {
		t.Run(fmt.Sprintf("%s/%s/page%d", c.golden, c.kt, c.page), func(t *testing.T) {
			g := loadGolden(t, c.golden)
			m, cache, digest, rec, _, _ := setup(t, g, c.kt, Options{PageTokens: c.page})
			ctx := context.Background()
			ids := g.PromptIDs

			ref := newSession(t, m, c.kt)
			if err := ref.Prefill(ids); err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(ref.Logits())
			wantGreedy := greedy(t, ref, 16)

			first := newSession(t, m, c.kt)
			r, err := cache.Prefill(ctx, first, digest, Input{Tokens: ids[:40]})
			if err != nil || r.Restored != 0 || r.Prefilled != 40 {
				t.Fatalf("first prefill: %+v, %v; want nothing restored", r, err)
			}
			if n, err := cache.Save(ctx, first, digest, nil); err != nil || n != 40/c.page {
				t.Fatalf("first save wrote %d pages (%v), want %d", n, err, 40/c.page)
			}

			second := newSession(t, m, c.kt)
			r, err = cache.Prefill(ctx, second, digest, Input{Tokens: ids})
			if err != nil {
				t.Fatal(err)
			}
			if wantRestored := 40 / c.page * c.page; r.Restored != wantRestored || r.Prefilled != len(ids)-wantRestored || r.Discarded != 0 {
				t.Fatalf("second prefill: %+v; want %d restored", r, wantRestored)
			}
			if d := maxAbsDiff(second.Logits(), want); d != 0 {
				t.Errorf("logits after a restore differ from an uncached prefill by %.3g", d)
			}
			if n, err := cache.Save(ctx, second, digest, nil); err != nil || n != len(ids)/c.page-40/c.page {
				t.Fatalf("second save wrote %d pages (%v), want %d", n, err, len(ids)/c.page-40/c.page)
			}
			if n, err := cache.Save(ctx, second, digest, nil); err != nil || n != 0 {
				t.Fatalf("saving again wrote %d pages (%v), want none", n, err)
			}
			if c.kt == kv.F32 {
				if d := maxAbsDiff(second.Logits(), g.lastPromptLogits()); d > 1e-3 {
					t.Errorf("logits after a restore differ from llama.cpp's by %.3g", d)
				}
			}
			got := greedy(t, second, 16)
			if !slices.Equal(got, wantGreedy) {
				t.Errorf("greedy after restore %v, uncached %v", got, wantGreedy)
			}
			if c.kt == kv.F32 && !slices.Equal(got, g.Greedy.IDs) {
				t.Errorf("greedy after restore %v, llama.cpp %v", got, g.Greedy.IDs)
			}

			third := newSession(t, m, c.kt)
			r, err = cache.Prefill(ctx, third, digest, Input{Tokens: ids})
			if err != nil || r.Restored != len(ids)/c.page*c.page {
				t.Fatalf("third prefill: %+v, %v", r, err)
			}
			if d := maxAbsDiff(third.Logits(), want); d != 0 {
				t.Errorf("logits after a full restore differ by %.3g", d)
			}
			if lines := rec.all(); len(lines) != 0 {
				t.Errorf("unexpected log: %q", lines)
			}
		})
	}
}

// flipByte flips one bit in the middle of the data of page index of the
// database's KV pages, with plain SQL on the database file.
func flipByte(t *testing.T, path string, index int) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var id int64
	var data []byte
	err = raw.QueryRow(`SELECT d.page_id, d.data FROM kv_page_data d JOIN kv_pages p ON p.id = d.page_id
		WHERE p.page_index = ?`, index).Scan(&id, &data)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x10
	if _, err := raw.Exec("UPDATE kv_page_data SET data = ? WHERE page_id = ?", data, id); err != nil {
		t.Fatal(err)
	}
}

// TestCorruptPageIsRecomputed damages a stored page in the database file:
// the restore must stop before it, log it, recompute from there and give
// the same logits and greedy tokens (llama.cpp's); saving then replaces
// the page.
func TestCorruptPageIsRecomputed(t *testing.T) {
	g := loadGolden(t, "scout-f32")
	m, cache, digest, rec, db, corrupt := setup(t, g, kv.F32, Options{PageTokens: 16})
	ctx := context.Background()
	ids := g.PromptIDs

	first := newSession(t, m, kv.F32)
	if _, err := cache.Prefill(ctx, first, digest, Input{Tokens: ids}); err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(first.Logits())
	if n, err := cache.Save(ctx, first, digest, nil); err != nil || n != 3 {
		t.Fatalf("save wrote %d pages (%v), want 3", n, err)
	}
	flipByte(t, db.Path(), 1)

	second := newSession(t, m, kv.F32)
	r, err := cache.Prefill(ctx, second, digest, Input{Tokens: ids})
	if err != nil {
		t.Fatal(err)
	}
	if r.Restored != 16 || r.Prefilled != 32 || r.Discarded != 1 {
		t.Fatalf("prefill over a damaged page: %+v; want 16 restored, 32 prefilled, 1 discarded", r)
	}
	if len(*corrupt) != 1 || (*corrupt)[0].Index != 1 || (*corrupt)[0].Reason != "checksum mismatch" {
		t.Errorf("storage reported %v, want page 1 with a checksum mismatch", *corrupt)
	}
	if lines := rec.all(); len(lines) != 1 || !strings.Contains(lines[0], "damaged") || !strings.Contains(lines[0], "from token 16") {
		t.Errorf("log %q, want one line about the damaged page", lines)
	}
	if d := maxAbsDiff(second.Logits(), want); d != 0 {
		t.Errorf("logits after recomputing differ by %.3g", d)
	}
	if got := greedy(t, second, 16); !slices.Equal(got, g.Greedy.IDs) {
		t.Errorf("greedy %v, llama.cpp %v", got, g.Greedy.IDs)
	}
	if n, err := cache.Save(ctx, second, digest, nil); err != nil || n < 2 {
		t.Fatalf("save after recompute wrote %d pages (%v), want the damaged one and after", n, err)
	}
	third := newSession(t, m, kv.F32)
	if r, err := cache.Prefill(ctx, third, digest, Input{Tokens: ids}); err != nil || r.Restored != 48 || r.Discarded != 0 {
		t.Fatalf("prefill after repair: %+v, %v; want all 48 restored", r, err)
	}
}

// TestUnusablePageIsRecomputed stores pages that pass storage's checksum
// but were made for another cache type under the same key: the engine
// refuses them and the prompt is computed.
func TestUnusablePageIsRecomputed(t *testing.T) {
	g := loadGolden(t, "scout-f32")
	m, cache, digest, rec, _, _ := setup(t, g, kv.F32, Options{PageTokens: 16})
	ctx := context.Background()
	f32 := newSession(t, m, kv.F32)
	if _, err := cache.Prefill(ctx, f32, digest, Input{Tokens: g.PromptIDs}); err != nil {
		t.Fatal(err)
	}
	if _, err := cache.Save(ctx, f32, digest, nil); err != nil {
		t.Fatal(err)
	}
	ref := newSession(t, m, kv.F16)
	if err := ref.Prefill(g.PromptIDs); err != nil {
		t.Fatal(err)
	}
	f16 := newSession(t, m, kv.F16)
	r, err := cache.Prefill(ctx, f16, digest, Input{Tokens: g.PromptIDs})
	if err != nil || r.Restored != 0 || r.Prefilled != 48 || r.Discarded != 1 {
		t.Fatalf("prefill: %+v, %v; want nothing restored and one page discarded", r, err)
	}
	if lines := rec.all(); len(lines) != 1 || !strings.Contains(lines[0], "another model or cache configuration") {
		t.Errorf("log %q", lines)
	}
	if d := maxAbsDiff(f16.Logits(), ref.Logits()); d != 0 {
		t.Errorf("logits differ from an uncached prefill by %.3g", d)
	}
}

// TestQ8PagesRestoreClose checks that q8_0 pages take less room than f32
// rows and restore a cache whose logits stay close to the exact ones.
func TestQ8PagesRestoreClose(t *testing.T) {
	g := loadGolden(t, "scout-f32")
	m, cache, digest, _, db, _ := setup(t, g, kv.F32, Options{PageTokens: 16, Encoding: engine.PageQ8_0})
	ctx := context.Background()
	first := newSession(t, m, kv.F32)
	if _, err := cache.Prefill(ctx, first, digest, Input{Tokens: g.PromptIDs}); err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(first.Logits())
	if _, err := cache.Save(ctx, first, digest, nil); err != nil {
		t.Fatal(err)
	}
	usage, err := db.KVUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// f32 rows: 48 positions × 4 layers × 2 × 32 values × 4 bytes.
	if raw := int64(48 * 4 * 2 * 32 * 4); usage.Bytes > raw*3/10 {
		t.Errorf("q8_0 pages take %d bytes, want under 30%% of the %d bytes of f32 rows", usage.Bytes, raw)
	}
	second := newSession(t, m, kv.F32)
	r, err := cache.Prefill(ctx, second, digest, Input{Tokens: g.PromptIDs})
	if err != nil || r.Restored != 48 {
		t.Fatalf("prefill: %+v, %v", r, err)
	}
	d := maxAbsDiff(second.Logits(), want)
	t.Logf("q8_0 pages: logits within %.3g of the exact cache's (std ≈ 2)", d)
	if d == 0 || d > 0.05 {
		t.Errorf("q8_0 restore moved the logits by %.3g, want a small nonzero change", d)
	}
	if argmax(second.Logits()) != argmax(want) {
		t.Errorf("q8_0 restore changed the next token")
	}
}

// TestEmbeddingsArePartOfThePrefix prefills a prompt with embedding
// positions: a second run with the same content ids restores without
// computing the embeddings; other content ids share only the pages before
// the first embedding.
func TestEmbeddingsArePartOfThePrefix(t *testing.T) {
	g := loadGolden(t, "scout-f32")
	m, cache, digest, _, _, _ := setup(t, g, kv.F32, Options{PageTokens: 8})
	ctx := context.Background()
	ids := g.PromptIDs[:40]
	rng := rand.New(rand.NewPCG(1, 2))
	embd := make([][]float32, len(ids))
	content := make([][32]byte, len(ids))
	for p := 10; p < 20; p++ {
		embd[p] = make([]float32, m.Config().Embd)
		for i := range embd[p] {
			embd[p][i] = float32(rng.NormFloat64())
		}
		content[p] = ImageContentID("proj", [32]byte{1})
	}
	calls := 0
	input := func(content [][32]byte) Input {
		return Input{Tokens: ids, Content: content, Embed: func() ([][]float32, error) {
			calls++
			return embd, nil
		}}
	}
	ref := newSession(t, m, kv.F32)
	if err := ref.PrefillEmbeddings(ids, embd); err != nil {
		t.Fatal(err)
	}
	first := newSession(t, m, kv.F32)
	if _, err := cache.Prefill(ctx, first, digest, input(content)); err != nil {
		t.Fatal(err)
	}
	if _, err := cache.Save(ctx, first, digest, content); err != nil {
		t.Fatal(err)
	}
	second := newSession(t, m, kv.F32)
	r, err := cache.Prefill(ctx, second, digest, input(content))
	if err != nil || r.Restored != 40 || calls != 1 {
		t.Fatalf("second prefill: %+v, %v, %d embedding calls; want all restored and no new call", r, err, calls)
	}
	if d := maxAbsDiff(second.Logits(), ref.Logits()); d != 0 {
		t.Errorf("logits after restoring image positions differ by %.3g", d)
	}
	if _, err := cache.Prefill(ctx, newSession(t, m, kv.F32), digest, Input{Tokens: ids, Embed: input(content).Embed}); err == nil {
		t.Error("embeddings without content ids: no error")
	}
	other := slices.Clone(content)
	for p := 10; p < 20; p++ {
		other[p] = ImageContentID("proj", [32]byte{2})
	}
	third := newSession(t, m, kv.F32)
	r, err = cache.Prefill(ctx, third, digest, input(other))
	if err != nil || r.Restored != 8 || calls != 2 {
		t.Fatalf("prefill with another image: %+v, %v, %d embedding calls; want 8 restored and a new call", r, err, calls)
	}
}

// TestPrefillContinuesHeldSession feeds a grown conversation to a session
// that holds its beginning, and refuses one that does not.
func TestPrefillContinuesHeldSession(t *testing.T) {
	g := loadGolden(t, "scout-f32")
	m, cache, digest, _, _, _ := setup(t, g, kv.F32, Options{PageTokens: 16})
	ctx := context.Background()
	s := newSession(t, m, kv.F32)
	if err := s.Prefill(g.PromptIDs[:20]); err != nil {
		t.Fatal(err)
	}
	r, err := cache.Prefill(ctx, s, digest, Input{Tokens: g.PromptIDs})
	if err != nil || r.Restored != 20 || r.Prefilled != 28 {
		t.Fatalf("continuing: %+v, %v", r, err)
	}
	if d := maxAbsDiff(s.Logits(), g.lastPromptLogits()); d > 1e-3 {
		t.Errorf("logits differ from llama.cpp's by %.3g", d)
	}
	other := slices.Clone(g.PromptIDs)
	other[3]++
	if _, err := cache.Prefill(ctx, s, digest, Input{Tokens: other}); err == nil {
		t.Error("prefill of a sequence the session does not start: no error")
	}
}

// TestSaveEvictsUnderBudget saves pages under a budget of two pages'
// worth: storage keeps the total under it, and a later prefill restores
// what is left of the chain (its head) and recomputes the rest.
func TestSaveEvictsUnderBudget(t *testing.T) {
	g := loadGolden(t, "scout-f32")
	m, cache, digest, _, db, _ := setup(t, g, kv.F32, Options{PageTokens: 16})
	ctx := context.Background()
	first := newSession(t, m, kv.F32)
	if _, err := cache.Prefill(ctx, first, digest, Input{Tokens: g.PromptIDs[:16]}); err != nil {
		t.Fatal(err)
	}
	if _, err := cache.Save(ctx, first, digest, nil); err != nil {
		t.Fatal(err)
	}
	one, err := db.KVUsage(ctx)
	if err != nil || one.Pages != 1 {
		t.Fatalf("usage after one page: %+v, %v", one, err)
	}
	if err := db.SetKVBudget(ctx, 2*one.Bytes); err != nil {
		t.Fatal(err)
	}
	second := newSession(t, m, kv.F32)
	if _, err := cache.Prefill(ctx, second, digest, Input{Tokens: g.PromptIDs}); err != nil {
		t.Fatal(err)
	}
	if n, err := cache.Save(ctx, second, digest, nil); err != nil || n != 2 {
		t.Fatalf("save wrote %d pages (%v), want 2", n, err)
	}
	usage, err := db.KVUsage(ctx)
	if err != nil || usage.Bytes > usage.Budget || usage.Pages != 2 {
		t.Fatalf("usage %+v (%v), want 2 pages within the budget", usage, err)
	}
	third := newSession(t, m, kv.F32)
	r, err := cache.Prefill(ctx, third, digest, Input{Tokens: g.PromptIDs})
	if err != nil || r.Restored != 32 || r.Prefilled != 16 {
		t.Fatalf("prefill after eviction: %+v, %v; want the chain's first 2 pages restored", r, err)
	}
	if got := greedy(t, third, 16); !slices.Equal(got, g.Greedy.IDs) {
		t.Errorf("greedy %v, llama.cpp %v", got, g.Greedy.IDs)
	}
}
