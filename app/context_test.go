package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"hearth/app/kvcache"
)

// writeAged writes a file and sets its modification time, which decides
// its place in the context's layout (oldest first).
func writeAged(t testing.TB, path, content string, mtime time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// prose is n lines of text that differ, so that the tokenizer does not
// fold them into a few long tokens.
func prose(label string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s line %d: the hearth keeps the fire of %s number %d warm.\n", label, i, label, i*7)
	}
	return b.String()
}

// waitContextChange waits for a context:changed event that lists path.
func waitContextChange(t *testing.T, rec *recorder, conv int64, path, change string) ContextView {
	t.Helper()
	var got ContextView
	rec.waitFor(t, "the watcher to report "+path+" "+change, func() bool {
		for _, e := range rec.named(EventContextChanged) {
			v := e.(ContextView)
			for _, c := range v.Changed {
				if v.ConversationID == conv && c.Path == path && c.Change == change {
					got = v
					return true
				}
			}
		}
		return false
	})
	return got
}

func fileTokens(t *testing.T, v ContextView, path string) int {
	t.Helper()
	for _, f := range v.Files {
		if f.Path == path {
			return f.Tokens
		}
	}
	t.Fatalf("%s is not in the context: %+v", path, v.Files)
	return 0
}

// TestContextReadsOnlyTheChangedSuffix drops a folder on a conversation,
// asks, edits the newest file and asks again: the KV cache must serve
// everything before that file; editing the oldest file (which then moves
// to the end) recomputes nearly all of it; after a restart the unchanged
// context comes back from the SQLite snapshots.
func TestContextReadsOnlyTheChangedSuffix(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(t.TempDir(), "notes")
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	writeAged(t, filepath.Join(folder, "a.txt"), prose("alpha", 60), base)
	writeAged(t, filepath.Join(folder, "sub", "b.txt"), prose("beta", 60), base.Add(time.Hour))
	writeAged(t, filepath.Join(folder, "c.txt"), prose("gamma", 20), base.Add(2*time.Hour))
	writeAged(t, filepath.Join(folder, "logo.bin"), "\x00\x01binary", base)
	writeAged(t, filepath.Join(folder, ".gitignore"), "*.log\n", base)
	writeAged(t, filepath.Join(folder, "debug.log"), "noise\n", base)

	a, rec, conv := newChat(t, dir, greedy)
	v, err := a.AttachContext(conv, folder)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Attached || v.Kind != "folder" || v.Name != "notes" || v.IncludedFiles != 4 || len(v.Changed) != 0 || v.Estimated {
		t.Fatalf("attached view = %+v", v)
	}
	skipped := map[string]bool{}
	for _, s := range v.Skipped {
		skipped[s.Path] = true
	}
	if !skipped["logo.bin"] || !skipped["debug.log"] {
		t.Fatalf("skipped = %+v, want logo.bin (binary) and debug.log (ignored)", v.Skipped)
	}
	tokA, tokB := fileTokens(t, v, "a.txt"), fileTokens(t, v, "sub/b.txt")
	if v.ContextLen == 0 || v.IncludedTokens >= v.ContextLen || tokA < 2*kvcache.DefaultPageTokens {
		t.Fatalf("context %d of %d tokens, a.txt %d tokens: the test needs a context that fits with whole pages in a.txt", v.IncludedTokens, v.ContextLen, tokA)
	}

	ask := func(q string) MessageStats {
		t.Helper()
		res, err := a.SendMessage(conv, q)
		if err != nil {
			t.Fatal(err)
		}
		return waitDone(t, rec, res.AssistantMessageID).Stats
	}
	first := ask("What does beta say?")
	if first.CachedTokens != 0 || first.PromptTokens <= v.IncludedTokens {
		t.Fatalf("first question: %+v; want the whole context (%d tokens) computed", first, v.IncludedTokens)
	}

	// Edit the newest file: only the part from it onward is recomputed.
	if err := os.WriteFile(filepath.Join(folder, "c.txt"), []byte(prose("gamma edited", 20)), 0o644); err != nil {
		t.Fatal(err)
	}
	waitContextChange(t, rec, conv, "c.txt", "modified")
	second := ask("And gamma?")
	if min := tokA + tokB - kvcache.DefaultPageTokens; second.CachedTokens < min {
		t.Fatalf("after editing the newest file: %d of %d tokens from cache, want at least %d (a.txt and sub/b.txt)", second.CachedTokens, second.PromptTokens, min)
	}
	if got, err := a.GetContext(conv); err != nil || len(got.Changed) != 0 {
		t.Fatalf("after the question the changes are read: %+v, %v", got.Changed, err)
	}

	// Edit the oldest file: it moves to the end, so nearly all is recomputed.
	if err := os.WriteFile(filepath.Join(folder, "a.txt"), []byte(prose("alpha edited", 60)), 0o644); err != nil {
		t.Fatal(err)
	}
	waitContextChange(t, rec, conv, "a.txt", "modified")
	third := ask("And alpha?")
	t.Logf("a.txt %d, b.txt %d tokens; cached/prompt: first %d/%d, after editing the newest %d/%d, after editing the oldest %d/%d",
		tokA, tokB, first.CachedTokens, first.PromptTokens, second.CachedTokens, second.PromptTokens, third.CachedTokens, third.PromptTokens)
	if third.CachedTokens >= tokA {
		t.Fatalf("after editing the oldest file: %d tokens from cache, want fewer than a.txt's %d", third.CachedTokens, tokA)
	}

	// A restart: the context is read again from disk, unchanged, and its
	// prefill comes back from the snapshot pages in SQLite.
	a.shutdown(context.Background())
	b, rec2 := openApp(t, dir, Config{})
	loadTiny(t, b, rec2)
	again, err := b.GetContext(conv)
	if err != nil || !again.Attached || len(again.Changed) != 0 || again.IncludedFiles != 4 {
		t.Fatalf("after a restart: %+v, %v", again, err)
	}
	res, err := b.SendMessage(conv, "One more about beta?")
	if err != nil {
		t.Fatal(err)
	}
	fourth := waitDone(t, rec2, res.AssistantMessageID).Stats
	t.Logf("after a restart: %d/%d from cache", fourth.CachedTokens, fourth.PromptTokens)
	if fourth.CachedTokens < again.IncludedTokens-kvcache.DefaultPageTokens {
		t.Fatalf("after a restart: %d of %d tokens from cache, want the context's %d", fourth.CachedTokens, fourth.PromptTokens, again.IncludedTokens)
	}
}

// TestContextExcludedFilesLeaveThePrompt: an unticked file is not sent,
// and the token count the composer shows follows.
func TestContextExcludedFilesLeaveThePrompt(t *testing.T) {
	folder := t.TempDir()
	writeAged(t, filepath.Join(folder, "keep.md"), "keep this\n", time.Unix(1e9, 0))
	writeAged(t, filepath.Join(folder, "vendor", "big.txt"), prose("vendored", 50), time.Unix(1e9, 0))
	a, _, conv := newChat(t, t.TempDir(), greedy)
	v, err := a.AttachContext(conv, folder)
	if err != nil {
		t.Fatal(err)
	}
	before, err := a.CountTokens(conv, "hi")
	if err != nil {
		t.Fatal(err)
	}
	if v, err = a.SetContextExcluded(conv, []string{"vendor/"}, true); err != nil {
		t.Fatal(err)
	}
	if v.IncludedFiles != 1 || v.AllTokens <= v.IncludedTokens {
		t.Fatalf("after unticking vendor/: %+v", v)
	}
	after, err := a.CountTokens(conv, "hi")
	if err != nil {
		t.Fatal(err)
	}
	if want := before.Total - fileTokens(t, v, "vendor/big.txt"); after.Total > want+2 || after.Total < want-2 {
		t.Fatalf("prompt %d tokens after unticking, want about %d (%d before)", after.Total, want, before.Total)
	}
	// The choice is stored with the conversation.
	a.dropContext(conv)
	if v, err = a.GetContext(conv); err != nil || v.IncludedFiles != 1 {
		t.Fatalf("read back: %+v, %v", v, err)
	}
	if err := a.RemoveContext(conv); err != nil {
		t.Fatal(err)
	}
	if v, err = a.GetContext(conv); err != nil || v.Attached {
		t.Fatalf("after remove: %+v, %v", v, err)
	}
}

// TestContextBadInput: a missing path and a folder that vanishes while
// watched give clear errors; the conversation keeps working.
func TestContextBadInput(t *testing.T) {
	a, rec, conv := newChat(t, t.TempDir(), greedy)
	if _, err := a.AttachContext(conv, filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "Cannot read") {
		t.Fatalf("missing folder: %v", err)
	}
	if _, err := a.AttachContext(conv+100, t.TempDir()); err == nil {
		t.Fatal("a conversation that does not exist was given a context")
	}
	folder := filepath.Join(t.TempDir(), "gone")
	writeAged(t, filepath.Join(folder, "x.txt"), "x\n", time.Unix(1e9, 0))
	if _, err := a.AttachContext(conv, folder); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(folder); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "the panel to say the folder is gone", func() bool {
		for _, e := range rec.named(EventContextChanged) {
			if v := e.(ContextView); v.Notice != "" {
				return true
			}
		}
		return false
	})
	res, err := a.SendMessage(conv, "still there?")
	if err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "the question to fail with the reason", func() bool {
		for _, e := range rec.named(EventChatError) {
			if ev := e.(ErrorEvent); ev.AssistantMessageID == res.AssistantMessageID {
				return strings.Contains(ev.Error, "cannot be read")
			}
		}
		return false
	})
	// Removing the context lets the conversation go on.
	if err := a.RemoveContext(conv); err != nil {
		t.Fatal(err)
	}
	res, err = a.SendMessage(conv, "and now?")
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, rec, res.AssistantMessageID)
}

// TestContextLookupsDuringAnAttachShareOneWatcher: the composer counts
// tokens while a folder is being attached; those lookups wait for the
// attach instead of loading a second copy of the context with its own
// watcher (whose stale view would then overwrite the panel).
func TestContextLookupsDuringAnAttachShareOneWatcher(t *testing.T) {
	folder := t.TempDir()
	for i := range 200 {
		writeAged(t, filepath.Join(folder, fmt.Sprintf("d%d", i%10), fmt.Sprintf("f%03d.txt", i)), prose("file", 5), time.Unix(1e9, 0))
	}
	a, _, conv := newChat(t, t.TempDir(), greedy)
	done := make(chan struct{})
	var lookups sync.WaitGroup
	for range 4 {
		lookups.Add(1)
		go func() {
			defer lookups.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := a.CountTokens(conv, "hi"); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	_, err := a.AttachContext(conv, folder)
	close(done)
	lookups.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if n := a.contexts.watching.Load(); n != 1 {
		t.Fatalf("%d folder watchers for one conversation, want 1", n)
	}
	if err := a.RemoveContext(conv); err != nil {
		t.Fatal(err)
	}
	if n := a.contexts.watching.Load(); n != 0 {
		t.Fatalf("%d folder watchers after the context was removed, want 0", n)
	}
}
