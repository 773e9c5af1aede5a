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
}

// contexts holds the live contexts by conversation.
type contexts struct {
	mu   sync.Mutex
	byID map[int64]*liveContext
}

// liveContextOf returns the conversation's live context, reading it from
// disk (and starting its watcher) the first time after the app started.
// It returns nil, nil for a conversation without context.
func (a *App) liveContextOf(ctx context.Context, db *storage.DB, conversationID int64) (*liveContext, error) {
	a.contexts.mu.Lock()
	lc := a.contexts.byID[conversationID]
	a.contexts.mu.Unlock()
	if lc != nil {
		return lc, nil
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
	lc = &liveContext{conversationID: conversationID, source: cs.Source, excluded: cs.Excluded,
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
	a.contexts.mu.Lock()
	defer a.contexts.mu.Unlock()
	if other := a.contexts.byID[conversationID]; other != nil {
		lc.close()
		return other, nil
	}
	if a.contexts.byID == nil {
		a.contexts.byID = map[int64]*liveContext{}
	}
	a.contexts.byID[conversationID] = lc
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
	lc.mu.Lock()
	lc.watcher = w
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
	}
}

// dropContext stops watching the conversation's context and forgets it.
func (a *App) dropContext(conversationID int64) {
	a.contexts.mu.Lock()
	lc := a.contexts.byID[conversationID]
	delete(a.contexts.byID, conversationID)
	a.contexts.mu.Unlock()
	if lc != nil {
		lc.close()
	}
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
