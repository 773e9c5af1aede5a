package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"hearth/app/contextdir"
	"hearth/storage"
)

// contextDebounce is how long the folder watcher waits for a burst of
// changes (a branch switch, a build) to end before the context is re-read.
const contextDebounce = 300 * time.Millisecond

// liveContext is a conversation's folder or document context while the app
// runs: the last scan of it, what the user left out, and the watcher that
// keeps the scan current.
type liveContext struct {
	conversationID int64
	source         storage.Source

	mu       sync.Mutex
	scan     *contextdir.Scan
	excluded []string // relative paths; folders end in "/"
	// recorded is the version (sha256) of each file as last read into the
	// conversation's prompt, from storage's source files.
	recorded map[string]string
	// tokens caches each file's token count by its content hash, for the
	// tokenizer named by tokensFor.
	tokens    map[string]int
	tokensFor string
	watchErr  string
	watcher   *contextdir.Watcher
	watching  *atomic.Int32 // the app's count of running watchers
}

// contexts holds the live contexts by conversation.
type contexts struct {
	mu   sync.Mutex
	byID map[int64]*liveContext
	// convLocks serialise attaching, loading and removing one
	// conversation's context, so that a lookup during a long attach (the
	// composer counting tokens) waits for it instead of loading a second
	// copy with its own watcher.
	convLocks map[int64]*sync.Mutex
	// watching counts the folder watchers running, one per live context.
	watching atomic.Int32
}

// lock takes the conversation's lock and returns its release.
func (c *contexts) lock(conversationID int64) func() {
	c.mu.Lock()
	if c.convLocks == nil {
		c.convLocks = map[int64]*sync.Mutex{}
	}
	l := c.convLocks[conversationID]
	if l == nil {
		l = &sync.Mutex{}
		c.convLocks[conversationID] = l
	}
	c.mu.Unlock()
	l.Lock()
	return l.Unlock
}

func (c *contexts) get(conversationID int64) *liveContext {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byID[conversationID]
}

// set makes lc the conversation's live context (nil: none), stopping the
// one it replaces.
func (c *contexts) set(conversationID int64, lc *liveContext) {
	c.mu.Lock()
	old := c.byID[conversationID]
	if lc == nil {
		delete(c.byID, conversationID)
	} else {
		if c.byID == nil {
			c.byID = map[int64]*liveContext{}
		}
		c.byID[conversationID] = lc
	}
	c.mu.Unlock()
	if old != nil && old != lc {
		old.close()
	}
}

// liveContextOf returns the conversation's live context, reading it from
// disk (and starting its watcher) the first time after the app started.
// It returns nil, nil for a conversation without context.
func (a *App) liveContextOf(ctx context.Context, db *storage.DB, conversationID int64) (*liveContext, error) {
	if lc := a.contexts.get(conversationID); lc != nil {
		return lc, nil
	}
	defer a.contexts.lock(conversationID)()
	if lc := a.contexts.get(conversationID); lc != nil {
		return lc, nil // attached or loaded while this waited
	}
	cs, err := db.GetConversationSource(ctx, conversationID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	files, err := db.ListSourceFiles(ctx, cs.Source.ID)
	if err != nil {
		return nil, err
	}
	lc := &liveContext{conversationID: conversationID, source: cs.Source, excluded: cs.Excluded,
		recorded: map[string]string{}, tokens: map[string]int{}}
	for _, f := range files {
		lc.recorded[f.RelPath] = f.SHA256
	}
	if err := a.rescan(ctx, lc); err != nil {
		// The folder may be gone (an unplugged disk): the conversation
		// still opens and the context panel says why.
		lc.watchErr = err.Error()
	}
	a.watch(lc)
	a.contexts.set(conversationID, lc)
	return lc, nil
}

// rescan reads the context from disk again; files whose size and time
// did not change are taken from the previous scan without reading them.
func (a *App) rescan(ctx context.Context, lc *liveContext) error {
	lc.mu.Lock()
	prev := lc.scan
	lc.mu.Unlock()
	scan, err := contextdir.Walk(ctx, lc.source.Path, contextdir.Options{Previous: prev, MaxFileBytes: a.contextMaxFileBytes()})
	if err != nil {
		return err
	}
	lc.mu.Lock()
	lc.scan, lc.watchErr = scan, ""
	lc.mu.Unlock()
	return nil
}

// watch starts the context's folder watcher; every burst of changes
// re-reads the folder and tells the window what changed.
func (a *App) watch(lc *liveContext) {
	root := lc.source.Path
	if lc.source.Kind == storage.SourceDocument {
		root = filepath.Dir(root)
	}
	w, err := contextdir.Watch(root, contextDebounce, func([]string) {
		if err := a.rescan(a.bgCtx, lc); err != nil {
			lc.setWatchErr(err)
		}
		a.emitContext(lc)
	}, func(err error) {
		lc.setWatchErr(err)
		a.emitContext(lc)
	})
	if err != nil {
		a.logf("hearth: watch %s: %v", root, err)
		lc.setWatchErr(fmt.Errorf("not watched for changes: %w", err))
		return
	}
	a.contexts.watching.Add(1)
	lc.mu.Lock()
	lc.watcher = w
	lc.watching = &a.contexts.watching
	lc.mu.Unlock()
}

func (lc *liveContext) setWatchErr(err error) {
	lc.mu.Lock()
	lc.watchErr = err.Error()
	lc.mu.Unlock()
}

func (lc *liveContext) close() {
	lc.mu.Lock()
	w := lc.watcher
	lc.watcher = nil
	lc.mu.Unlock()
	if w != nil {
		_ = w.Close()
		lc.watching.Add(-1)
	}
}

// dropContext stops watching the conversation's context and forgets it.
func (a *App) dropContext(conversationID int64) {
	a.contexts.set(conversationID, nil)
}

// closeContexts stops every watcher (at shutdown).
func (a *App) closeContexts() {
	a.contexts.mu.Lock()
	all := a.contexts.byID
	a.contexts.byID = nil
	a.contexts.mu.Unlock()
	for _, lc := range all {
		lc.close()
	}
}

// included returns the scan's files the user did not leave out; lc.mu
// must be held.
func (lc *liveContext) included() []contextdir.File {
	if lc.scan == nil {
		return nil
	}
	var out []contextdir.File
	for _, f := range lc.scan.Files {
		if !isExcluded(f.RelPath, lc.excluded) {
			out = append(out, f)
		}
	}
	return out
}

// Exclusion rules: a relative path leaves that file out, a folder's path
// (ending in "/") everything below it, and "!" before either puts it back
// in. The rule for the longest matching path wins, so a file can be ticked
// back inside an unticked folder.

// isExcluded reports whether the rules leave rel out.
func isExcluded(rel string, rules []string) bool {
	best, out := -1, false
	for _, r := range rules {
		p, back := strings.CutPrefix(r, "!")
		if covers(p, rel) && len(p) > best {
			best, out = len(p), !back
		}
	}
	return out
}

// covers reports whether the rule path p applies to rel.
func covers(p, rel string) bool {
	return rel == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(rel, p))
}

// setExcluded returns the rules with paths (files, or folders ending in
// "/") left out or put back: rules at or below each path give way to the
// new choice, and a rule is added only where the others would not already
// give it.
func setExcluded(rules, paths []string, exclude bool) []string {
	set := map[string]bool{}
	for _, r := range rules {
		set[r] = true
	}
	for _, p := range paths {
		for r := range set {
			if covers(p, strings.TrimPrefix(r, "!")) {
				delete(set, r)
			}
		}
		if isExcluded(p, keys(set)) != exclude {
			if exclude {
				set[p] = true
			} else {
				set["!"+p] = true
			}
		}
	}
	out := keys(set)
	sort.Strings(out)
	return out
}

func keys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	return out
}

// contextKind says whether path is a folder or a single document.
func contextKind(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("Cannot read %s: %w", path, err)
	}
	switch {
	case fi.IsDir():
		return storage.SourceFolder, nil
	case fi.Mode().IsRegular():
		return storage.SourceDocument, nil
	}
	return "", fmt.Errorf("%s is neither a folder nor a file", path)
}
