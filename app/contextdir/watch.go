package contextdir

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// ErrRootGone is wrapped by the error a Watcher reports when the folder it
// watches was removed or renamed.
var ErrRootGone = errors.New("the folder is gone")

// Watcher watches a folder recursively, subfolders created later
// included, skipping the folders Walk skips.
type Watcher struct {
	root     string
	debounce time.Duration
	onChange func([]string)
	onError  func(error)
	fsw      *fsnotify.Watcher
	done     chan struct{}
	stopped  sync.WaitGroup
	cbMu     sync.Mutex // held while a callback runs: one at a time

	mu      sync.Mutex
	rules   ignoreRules
	pending map[string]bool
	timer   *time.Timer
	closed  bool
}

// Watch starts watching root. onChange receives the slash-separated
// relative paths that changed (created, written, removed, renamed), once
// per burst, after debounce without a new event; onError receives
// trouble, such as the folder being removed (wrapping ErrRootGone).
// Callbacks run on the watcher's goroutines, one at a time, and must not
// call Close.
func Watch(root string, debounce time.Duration, onChange func(paths []string), onError func(error)) (*Watcher, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &Watcher{root: abs, debounce: debounce, onChange: onChange, onError: onError, fsw: fsw,
		done: make(chan struct{}), pending: map[string]bool{}}
	if err := w.addTree(""); err != nil {
		fsw.Close()
		return nil, err
	}
	w.stopped.Add(1)
	go w.loop()
	return w, nil
}

// Close stops the watcher; no callback runs after it returns.
func (w *Watcher) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	if w.timer != nil {
		w.timer.Stop()
	}
	w.mu.Unlock()
	close(w.done)
	err := w.fsw.Close()
	w.stopped.Wait()
	// Wait out a callback already running (from the debounce timer).
	w.cbMu.Lock()
	w.cbMu.Unlock()
	return err
}

// addTree watches the folder rel and every folder below it that a Walk
// would enter, loading their .gitignore rules on the way.
func (w *Watcher) addTree(rel string) error {
	full := filepath.Join(w.root, filepath.FromSlash(rel))
	if err := w.fsw.Add(full); err != nil {
		if rel == "" {
			return err
		}
		w.report(fmt.Errorf("cannot watch %s: %w", rel, err))
		return nil
	}
	w.mu.Lock()
	if rel == "" {
		if data, err := readLimited(filepath.Join(full, ".git", "info", "exclude"), DefaultMaxFileBytes); err == nil {
			w.rules = append(w.rules, parseIgnore(data, "", ".git/info/exclude")...)
		}
	}
	if data, err := readLimited(filepath.Join(full, ".gitignore"), DefaultMaxFileBytes); err == nil {
		w.rules = append(w.rules, parseIgnore(data, rel, path.Join(rel, ".gitignore"))...)
	}
	w.mu.Unlock()
	entries, err := os.ReadDir(full)
	if err != nil {
		return nil // it may have gone already; its removal is an event
	}
	for _, e := range entries {
		if e.IsDir() {
			child := path.Join(rel, e.Name())
			if !w.skipped(child, true) {
				if err := w.addTree(child); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// skipped reports whether a Walk leaves rel out for its place alone.
func (w *Watcher) skipped(rel string, isDir bool) bool {
	for _, part := range strings.Split(rel, "/") {
		if _, ok := skippedFolders[part]; ok {
			return true
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	_, ignored := w.rules.match(rel, isDir)
	return ignored
}

func (w *Watcher) loop() {
	defer w.stopped.Done()
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			w.event(ev)
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			w.report(err)
		}
	}
}

func (w *Watcher) event(ev fsnotify.Event) {
	if ev.Name == w.root {
		if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
			w.report(fmt.Errorf("%s: %w", w.root, ErrRootGone))
		}
		return
	}
	rel, err := filepath.Rel(w.root, ev.Name)
	if err != nil || strings.HasPrefix(rel, "..") {
		return
	}
	rel = filepath.ToSlash(rel)
	fi, statErr := os.Lstat(ev.Name)
	isDir := statErr == nil && fi.IsDir()
	if w.skipped(rel, isDir) {
		return
	}
	if isDir && ev.Has(fsnotify.Create) {
		// A new folder: watch it, and report what it already holds.
		if err := w.addTree(rel); err != nil {
			w.report(err)
		}
	}
	if path.Base(rel) == ".gitignore" {
		w.reloadRules()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	w.pending[rel] = true
	if w.timer == nil {
		w.timer = time.AfterFunc(w.debounce, w.flush)
	} else {
		w.timer.Reset(w.debounce)
	}
}

// reloadRules reads every watched folder's .gitignore again.
func (w *Watcher) reloadRules() {
	w.mu.Lock()
	w.rules = nil
	w.mu.Unlock()
	// Watching a folder twice is harmless: fsnotify keeps one watch.
	if err := w.addTree(""); err != nil {
		w.report(err)
	}
}

func (w *Watcher) flush() {
	w.mu.Lock()
	if w.closed || len(w.pending) == 0 {
		w.mu.Unlock()
		return
	}
	paths := make([]string, 0, len(w.pending))
	for p := range w.pending {
		paths = append(paths, p)
	}
	w.pending = map[string]bool{}
	w.mu.Unlock()
	sort.Strings(paths)
	if _, err := os.Stat(w.root); err != nil {
		w.report(fmt.Errorf("%s: %w", w.root, ErrRootGone))
		return
	}
	w.callback(func() { w.onChange(paths) })
}

func (w *Watcher) report(err error) {
	if w.onError != nil {
		w.callback(func() { w.onError(err) })
	}
}

// callback runs fn unless the watcher is closed. Close must not be called
// from a callback.
func (w *Watcher) callback(fn func()) {
	w.cbMu.Lock()
	defer w.cbMu.Unlock()
	w.mu.Lock()
	closed := w.closed
	w.mu.Unlock()
	if !closed {
		fn()
	}
}
