package app

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"

	"github.com/wailsapp/wails/v2/pkg/options"
	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// openFiles holds the files Hearth was started with (a double-clicked
// .gguf) until the page asks for them.
type openFiles struct {
	mu    sync.Mutex
	paths []string
}

// ExistingFiles keeps the arguments that name existing files or folders,
// made absolute against dir; flags and anything else are dropped.
func ExistingFiles(args []string, dir string) []string {
	var out []string
	for _, a := range args {
		if a == "" || a[0] == '-' {
			continue
		}
		if !filepath.IsAbs(a) {
			a = filepath.Join(dir, a)
		}
		if _, err := os.Stat(a); err == nil {
			out = append(out, filepath.Clean(a))
		}
	}
	return out
}

// TakeOpenFiles returns the files Hearth was started with, once; the page
// treats them as dropped on the window.
func (a *App) TakeOpenFiles() []string {
	a.launchFiles.mu.Lock()
	defer a.launchFiles.mu.Unlock()
	p := a.launchFiles.paths
	a.launchFiles.paths = nil
	if p == nil {
		return []string{}
	}
	return p
}

// instanceID names the single-instance lock. It includes the data
// directory, so two Hearths on different data (tests, or a second profile
// by HEARTH_DATA_DIR) do not hand files to each other.
func instanceID(dataDir string) string {
	sum := sha256.Sum256([]byte(dataDir))
	return "app.hearth.desktop." + hex.EncodeToString(sum[:6])
}

// secondInstance is called when Hearth is launched again while it runs
// (a .gguf double-clicked in the file manager): the running window comes
// to the front and takes the files as if they were dropped on it.
func (a *App) secondInstance(data options.SecondInstanceData) {
	a.handOver("a second launch", ExistingFiles(data.Args, data.WorkingDirectory))
}

// handOver brings the window to the front with files opened from outside
// (by a second launch, or by macOS's open-file event) as if dropped on it.
func (a *App) handOver(from string, paths []string) {
	a.logf("hearth: %s handed over %d file(s): %v", from, len(paths), paths)
	if a.ctx != nil {
		wailsruntime.WindowUnminimise(a.ctx)
		wailsruntime.WindowShow(a.ctx)
	}
	if len(paths) > 0 {
		a.events.Emit(EventFilesDropped, FilesDroppedEvent{Paths: paths})
	}
}
