package engine

import (
	"errors"
	"testing"

	"hearth/engine/kv"
)

// TestSnapshotRoundTrip snapshots a session in pages, restores them into a
// fresh session and checks the continuation equals the original's — for a
// model whose chunk (16) is shorter than the prompt, so that the early pages
// carry no chunked-layer rows and the restore must recompute the current
// chunk, and for Llama 3.
func TestSnapshotRoundTrip(t *testing.T) {
	for _, c := range []struct {
		golden string
		kvType kv.Type
		pageN  int
	}{
		{"scout-f32-chunk16", kv.F32, 8},
		{"scout-f32-chunk16", kv.F16, 5},
		{"scout-f32", kv.F32, 16},
		{"llama3-f32", kv.F16, 7},
	} {
		t.Run(c.golden, func(t *testing.T) {
			run, ids := goldenRun(t, c.golden)
			m, err := Load(run.ModelPath(), LoadOptions{Overrides: run.Overrides()})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			a, _ := m.NewSession(SessionOptions{ContextLen: 64, KVType: c.kvType})
			if err := a.Prefill(ids[:45]); err != nil {
				t.Fatal(err)
			}
			pages, err := a.SnapshotPages(0, c.pageN)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := m.NewSession(SessionOptions{ContextLen: 64, KVType: c.kvType})
			if err := b.RestorePages(pages); err != nil {
				t.Fatal(err)
			}
			if d := compareLogits(b.Logits(), a.Logits(), m.VocabSize(), nil); d.maxAbs != 0 {
				t.Errorf("logits after restore differ by %.3g", d.maxAbs)
			}
			for _, id := range ids[45:] {
				la, _ := a.Decode(id)
				lb, err := b.Decode(id)
				if err != nil {
					t.Fatal(err)
				}
				if d := compareLogits(lb, la, m.VocabSize(), nil); d.maxAbs != 0 {
					t.Fatalf("continuation differs by %.3g", d.maxAbs)
				}
			}
		})
	}
}

func TestSnapshotRejectsDamage(t *testing.T) {
	run, ids := goldenRun(t, "scout-f32")
	m, err := Load(run.ModelPath(), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	a, _ := m.NewSession(SessionOptions{ContextLen: 64})
	if err := a.Prefill(ids[:20]); err != nil {
		t.Fatal(err)
	}
	pages, _ := a.SnapshotPages(0, 8)
	damaged := append([]byte(nil), pages[1]...)
	damaged[len(damaged)/2] ^= 1
	f32, _ := m.NewSession(SessionOptions{ContextLen: 64, KVType: kv.F32})
	for name, c := range map[string]struct {
		s     *Session
		pages [][]byte
	}{
		"flipped bit":    {nil, [][]byte{pages[0], damaged, pages[2]}},
		"missing page":   {nil, [][]byte{pages[0], pages[2]}},
		"other kv type":  {f32, pages},
		"not a snapshot": {nil, [][]byte{[]byte("hello")}},
	} {
		s := c.s
		if s == nil {
			s, _ = m.NewSession(SessionOptions{ContextLen: 64})
		}
		if err := s.RestorePages(c.pages); !errors.Is(err, ErrBadSnapshot) {
			t.Errorf("%s: %v, want ErrBadSnapshot", name, err)
		}
		if s.Pos() != 0 {
			t.Errorf("%s: a failed restore left %d positions", name, s.Pos())
		}
	}
}

// TestSnapshotQ8Pages restores q8_0-encoded pages and expects logits close
// to the exact cache's (the rows are rounded to 8 bits per value) with the
// same next token, in less space than raw pages, for the f32 and f16 caches
// and for a model whose early pages carry no chunked-layer rows.
func TestSnapshotQ8Pages(t *testing.T) {
	for _, c := range []struct {
		golden string
		kvType kv.Type
	}{
		{"scout-f32", kv.F32},
		{"scout-f32", kv.F16},
		{"scout-f32-chunk16", kv.F32},
	} {
		t.Run(c.golden+"/"+c.kvType.String(), func(t *testing.T) {
			run, ids := goldenRun(t, c.golden)
			m, err := Load(run.ModelPath(), LoadOptions{Overrides: run.Overrides()})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			a, _ := m.NewSession(SessionOptions{ContextLen: 64, KVType: c.kvType})
			if err := a.Prefill(ids); err != nil {
				t.Fatal(err)
			}
			var pages [][]byte
			var raw int
			for start := 0; start < len(ids); start += 16 {
				p, err := a.SnapshotPage(start, 16, PageQ8_0)
				if err != nil {
					t.Fatal(err)
				}
				r, _ := a.SnapshotPage(start, 16, PageRaw)
				pages, raw = append(pages, p), raw+len(r)
			}
			var size int
			for _, p := range pages {
				size += len(p)
			}
			b, _ := m.NewSession(SessionOptions{ContextLen: 64, KVType: c.kvType})
			if err := b.RestorePages(pages); err != nil {
				t.Fatal(err)
			}
			d := compareLogits(b.Logits(), a.Logits(), m.VocabSize(), nil)
			t.Logf("q8_0 pages: %d bytes (raw %d); logits within %.3g of the exact cache", size, raw, d.maxAbs)
			if d.maxAbs > 0.05 || d.argmaxSame != 1 {
				t.Errorf("q8_0 restore moved the logits by %.3g (argmax same: %d)", d.maxAbs, d.argmaxSame)
			}
			if size >= raw {
				t.Errorf("q8_0 pages take %d bytes, raw %d", size, raw)
			}
		})
	}
}

// TestRestorePrefixKeepsGoodPages restores pages with a damaged one in the
// middle: the pages before it are kept and the session continues exactly
// as an uncached one from there.
func TestRestorePrefixKeepsGoodPages(t *testing.T) {
	run, ids := goldenRun(t, "scout-f32-chunk16")
	m, err := Load(run.ModelPath(), LoadOptions{Overrides: run.Overrides()})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	a, _ := m.NewSession(SessionOptions{ContextLen: 64, KVType: kv.F32})
	if err := a.Prefill(ids); err != nil {
		t.Fatal(err)
	}
	pages, _ := a.SnapshotPages(0, 8)
	damaged := append([]byte(nil), pages[3]...)
	damaged[len(damaged)/2] ^= 1
	for _, c := range []struct {
		name  string
		pages [][]byte
		used  int
	}{
		{"all good", pages, len(pages)},
		{"damaged page 3", [][]byte{pages[0], pages[1], pages[2], damaged, pages[4]}, 3},
		{"damaged first page", [][]byte{damaged}, 0},
		{"gap after page 1", [][]byte{pages[0], pages[1], pages[3]}, 2},
	} {
		b, _ := m.NewSession(SessionOptions{ContextLen: 64, KVType: kv.F32})
		n, err := b.RestorePrefix(c.pages)
		if n != c.used || (err != nil) != (c.used < len(c.pages)) || (err != nil && !errors.Is(err, ErrBadSnapshot)) {
			t.Errorf("%s: used %d pages (%v), want %d", c.name, n, err, c.used)
			continue
		}
		if b.Pos() != 8*n {
			t.Errorf("%s: session at %d, want %d", c.name, b.Pos(), 8*n)
		}
		if err := b.Prefill(ids[b.Pos():]); err != nil {
			t.Fatal(err)
		}
		if d := compareLogits(b.Logits(), a.Logits(), m.VocabSize(), nil); d.maxAbs != 0 {
			t.Errorf("%s: logits after restoring and prefilling the rest differ by %.3g", c.name, d.maxAbs)
		}
	}
}
