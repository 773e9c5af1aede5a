package kvcache

import (
	"context"
	"errors"
	"slices"
	"testing"

	"hearth/engine/kv"
)

// TestPrefillReportsProgressAndStopsOnCancel: with Progress set, a prompt
// is fed in chunks with a report after the restore and after each chunk,
// the logits are those of a plain prefill, and a cancel between chunks
// stops it with the positions computed so far kept for Save.
func TestPrefillReportsProgressAndStopsOnCancel(t *testing.T) {
	g := loadGolden(t, "scout-f32")
	m, cache, digest, _, _, _ := setup(t, g, kv.F32, Options{PageTokens: 16})
	ids := g.PromptIDs
	ref := newSession(t, m, kv.F32)
	if err := ref.Prefill(ids); err != nil {
		t.Fatal(err)
	}

	s := newSession(t, m, kv.F32)
	var done []int
	r, err := cache.Prefill(context.Background(), s, digest, Input{Tokens: ids, Progress: func(d, total int) {
		if total != len(ids) {
			t.Errorf("progress total %d, want %d", total, len(ids))
		}
		done = append(done, d)
	}})
	if err != nil || r.Prefilled != len(ids) {
		t.Fatalf("prefill: %+v, %v", r, err)
	}
	if len(done) < 2 || done[0] != 0 || done[len(done)-1] != len(ids) || !slices.IsSorted(done) {
		t.Fatalf("progress reports %v, want 0 … %d rising", done, len(ids))
	}
	if d := maxAbsDiff(s.Logits(), ref.Logits()); d != 0 {
		t.Fatalf("logits differ from a plain prefill by %.3g", d)
	}

	ctx, cancel := context.WithCancel(context.Background())
	stopped := newSession(t, m, kv.F32)
	r, err = cache.Prefill(ctx, stopped, digest, Input{Tokens: ids, Progress: func(int, int) { cancel() }})
	if !errors.Is(err, context.Canceled) || r.Prefilled != stopped.Pos() {
		t.Fatalf("cancelled prefill: %+v, %v; want context.Canceled with Prefilled = Pos (%d)", r, err, stopped.Pos())
	}
}
