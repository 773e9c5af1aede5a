package contextdir

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// hangGuard only ends a test that would otherwise wait forever; the
// tests wait on the watcher's callbacks, not on the clock.
const hangGuard = 2 * time.Minute

type watched struct {
	changes chan []string
	errs    chan error
}

func watchTree(t *testing.T, root string) *watched {
	t.Helper()
	w := &watched{changes: make(chan []string, 100), errs: make(chan error, 100)}
	fw, err := Watch(root, 20*time.Millisecond, func(p []string) { w.changes <- p }, func(err error) { w.errs <- err })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fw.Close() })
	return w
}

// waitPath waits until a reported change names path, failing on any
// reported error; it returns every path reported up to then.
func (w *watched) waitPath(t *testing.T, path string) []string {
	t.Helper()
	var all []string
	for {
		select {
		case p := <-w.changes:
			all = append(all, p...)
			if slices.Contains(p, path) {
				return all
			}
		case err := <-w.errs:
			t.Fatalf("watch error while waiting for %s: %v", path, err)
		case <-time.After(hangGuard):
			t.Fatalf("no change reported for %s (got %v)", path, all)
		}
	}
}

func TestWatchReportsChangesIncludingNewFolders(t *testing.T) {
	root := tree(t, map[string]string{"a.txt": "a", ".gitignore": "*.log\n"})
	w := watchTree(t, root)

	os.WriteFile(filepath.Join(root, "a.txt"), []byte("edited"), 0o644)
	w.waitPath(t, "a.txt")

	os.WriteFile(filepath.Join(root, "b.txt"), []byte("new"), 0o644)
	w.waitPath(t, "b.txt")

	// A folder made after Watch started is watched too.
	os.MkdirAll(filepath.Join(root, "new", "deeper"), 0o755)
	w.waitPath(t, "new")
	os.WriteFile(filepath.Join(root, "new", "deeper", "c.txt"), []byte("c"), 0o644)
	w.waitPath(t, "new/deeper/c.txt")

	// Skipped and ignored paths are not reported: write them, then a marker,
	// and check that nothing before the marker named them.
	os.MkdirAll(filepath.Join(root, "node_modules", "x"), 0o755)
	os.WriteFile(filepath.Join(root, "node_modules", "x", "i.js"), []byte("dep"), 0o644)
	os.WriteFile(filepath.Join(root, "debug.log"), []byte("noise"), 0o644)
	os.WriteFile(filepath.Join(root, "marker.txt"), []byte("m"), 0o644)
	for _, p := range w.waitPath(t, "marker.txt") {
		if p == "debug.log" || p == "node_modules" || filepath.Dir(p) == "node_modules/x" {
			t.Errorf("reported the skipped path %s", p)
		}
	}

	os.Remove(filepath.Join(root, "b.txt"))
	w.waitPath(t, "b.txt")
}

func TestWatchReportsTheFolderGone(t *testing.T) {
	root := tree(t, map[string]string{"a.txt": "a"})
	w := watchTree(t, root)
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case <-w.changes:
		case err := <-w.errs:
			if errors.Is(err, ErrRootGone) {
				return
			}
		case <-time.After(hangGuard):
			t.Fatal("no error after the folder was removed")
		}
	}
}

// TestWatchCloseAfterCallbacks: Close after callbacks have run returns
// without error, and a second Close is harmless. (That no callback runs
// after Close returns is the closed flag checked under the callback lock;
// a test could only look for a late one by waiting on the clock.)
func TestWatchCloseAfterCallbacks(t *testing.T) {
	root := tree(t, map[string]string{"a.txt": "a"})
	calls := make(chan struct{}, 10)
	fw, err := Watch(root, time.Millisecond, func([]string) { calls <- struct{}{} }, nil)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "a.txt"), []byte("b"), 0o644)
	<-calls
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestWatchMissingRoot(t *testing.T) {
	if _, err := Watch(filepath.Join(t.TempDir(), "missing"), time.Millisecond, func([]string) {}, nil); err == nil {
		t.Fatal("watching a missing folder must fail")
	}
}
