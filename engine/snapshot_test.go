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
