package kvcache

import (
	"context"
	"slices"
	"testing"

	"hearth/engine/kv"
)

// TestSaveInBatches saves a three-page prompt one page per transaction and
// all in one, then restores it in a fresh session: either way every page
// is stored once and the restored session continues as llama.cpp does.
func TestSaveInBatches(t *testing.T) {
	g := loadGolden(t, "scout-f32")
	const pageTokens = 16
	pages := len(g.PromptIDs) / pageTokens
	for _, tt := range []struct {
		name       string
		batchBytes int
	}{
		{"page per batch", 1},
		{"one batch", saveBatchBytes},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, cache, digest, _, db, _ := setup(t, g, kv.F32, Options{PageTokens: pageTokens})
			cache.batchBytes = tt.batchBytes
			ctx := context.Background()
			first := newSession(t, m, kv.F32)
			if _, err := cache.Prefill(ctx, first, digest, Input{Tokens: g.PromptIDs}); err != nil {
				t.Fatal(err)
			}
			if n, err := cache.Save(ctx, first, digest, nil); err != nil || n != pages {
				t.Fatalf("save wrote %d pages (%v), want %d", n, err, pages)
			}
			if n, err := cache.Save(ctx, first, digest, nil); err != nil || n != 0 {
				t.Fatalf("saving again wrote %d pages (%v), want 0", n, err)
			}
			if u, err := db.KVUsage(ctx); err != nil || u.Pages != int64(pages) {
				t.Fatalf("usage %+v (%v), want %d pages", u, err, pages)
			}
			second := newSession(t, m, kv.F32)
			r, err := cache.Prefill(ctx, second, digest, Input{Tokens: g.PromptIDs})
			if err != nil || r.Restored != pages*pageTokens || r.Discarded != 0 {
				t.Fatalf("prefill: %+v, %v; want %d positions restored", r, err, pages*pageTokens)
			}
			if got := greedy(t, second, 16); !slices.Equal(got, g.Greedy.IDs) {
				t.Errorf("greedy %v, llama.cpp %v", got, g.Greedy.IDs)
			}
		})
	}
}
