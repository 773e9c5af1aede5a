// Package app holds the services that the desktop window binds to. It wires
// the engine and storage to the UI and holds no inference math and no SQL.
//
// Every exported method of App is callable from the frontend through the
// generated bindings in frontend/wailsjs, so App exports only what the UI may
// call; lifecycle hooks stay unexported and are wired up by Run. Long work
// (loading a model, generating, hashing, downloading) runs in goroutines and
// reports through events (see events.go); app/bindings_contract.md lists the
// methods and events as the UI sees them.
package app

import (
	"context"
	"errors"
	"fmt"
	"log"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"hearth/app/kvcache"
	"hearth/storage"
)

// Version is Hearth's release version, shown in the UI and by the CLI.
const Version = "0.1.0"

// Config is what the app needs to know about its environment. The zero value
// is usable: the data directory is then not reported and the window has the
// toolkit's default icon.
type Config struct {
	// DataDir is where Hearth keeps conversations, settings and caches.
	DataDir string
	// Icon is the window icon as PNG bytes (used on Linux; macOS and Windows
	// take theirs from the build assets).
	Icon []byte
	// MemoryBudget caps what a loaded model (weights, KV cache, scratch) may
	// take, in bytes; 0 means the machine's available memory.
	MemoryBudget int64
	// Events receives the app's events; nil sends them to the window
	// through the Wails runtime.
	Events Emitter
	// Logf receives diagnostics; nil means the standard logger.
	Logf func(format string, args ...any)
	// StartedAt is when the process started, for the cold-start time the
	// log reports once the page is ready; zero leaves it out.
	StartedAt time.Time
	// OpenFiles are files Hearth was started with (a double-clicked .gguf);
	// the page takes them with TakeOpenFiles and treats them as dropped.
	OpenFiles []string
}

// Status is the app's state as the UI shows it.
type Status struct {
	// Version is Hearth's release version.
	Version string `json:"version"`
	// Build says which kind of binary answered: "release", "dev" or "headless".
	Build string `json:"build"`
	// Platform is the operating system and CPU architecture, e.g. "linux/amd64".
	Platform string `json:"platform"`
	// ModelLoaded is true once a model is loaded and chat can start.
	ModelLoaded bool `json:"modelLoaded"`
	// LoadedModelID is the id of the loaded model, 0 when none is.
	LoadedModelID int64 `json:"loadedModelId"`
	// ModelName is the loaded model's name, "" when none is.
	ModelName string `json:"modelName"`
	// DataDir is where user data lives; empty when it is not known.
	DataDir string `json:"dataDir"`
	// Off lists the features that are off, with the reason (features.go).
	Off []FeatureOff `json:"off"`
	// RemoteHost is the host:port of the remote engine the chat model runs
	// on, "" for a local model.
	RemoteHost string `json:"remoteHost"`
	// Backend is what the loaded model computes on ("cpu", "cuda", "metal").
	Backend string `json:"backend"`
	// BackendNotice says why a GPU that was asked for (or found) is not
	// used; the window shows it as a banner. Empty when there is nothing to say.
	BackendNotice string `json:"backendNotice"`
}

// errNotOpen is what every data method returns before startup opened the
// database (or after it failed to).
var errNotOpen = errors.New("Hearth's database is not open")

// App is the service bound to the desktop window.
type App struct {
	cfg    Config
	ctx    context.Context // the Wails context, for dialogs and events
	events Emitter
	logf   func(format string, args ...any)

	db      *storage.DB
	cache   *kvcache.Cache
	openErr error

	// bgCtx ends background work (hashing, downloads) at shutdown; bg
	// counts it so shutdown can wait.
	bgCtx    context.Context
	bgCancel context.CancelFunc
	bg       sync.WaitGroup

	mu      sync.Mutex // guards model, loading and hashing
	model   *loadedModel
	loading bool
	hashing map[int64]float64 // model id → fraction hashed, while hashing

	genMu sync.Mutex // guards gen
	gen   *generation

	downloads *downloads

	contexts contexts // folder and document contexts, watched, by conversation

	// singleInstanceOff says why a second launch cannot hand its files to
	// this window ("" when it can); checked when the window starts.
	singleInstanceOff string

	launchFiles openFiles // files Hearth was started with, until the page takes them

	api     localAPI // the local OpenAI-compatible API (Settings switch)
	engines engines  // remote OpenAI-compatible engines
}

// New returns an App for the given configuration. It opens nothing until
// the window starts (or a test calls open).
func New(cfg Config) *App {
	a := &App{cfg: cfg, hashing: map[int64]float64{}}
	a.logf = cfg.Logf
	if a.logf == nil {
		a.logf = log.Printf
	}
	a.events = cfg.Events
	a.launchFiles.paths = cfg.OpenFiles
	a.downloads = newDownloads(a)
	return a
}

// startup keeps the Wails context, which later services need to emit events
// and open native dialogs, opens the database and listens for dropped files.
func (a *App) startup(ctx context.Context) {
	a.ctx = ctx
	if a.events == nil {
		a.events = wailsEmitter{ctx: ctx}
	}
	if err := a.open(ctx); err != nil {
		a.logf("hearth: %v", err)
	}
	listenForDrops(ctx, a.events)
	if a.singleInstanceOff = singleInstanceProblem(); a.singleInstanceOff != "" {
		a.logf("hearth: single instance off: %s", a.singleInstanceOff)
	}
	a.restoreLastModel(ctx)
}

// domReady runs once the page has loaded: the window takes back the size
// and place it had.
func (a *App) domReady(ctx context.Context) {
	if !a.cfg.StartedAt.IsZero() {
		a.logf("hearth: window ready %d ms after start", time.Since(a.cfg.StartedAt).Milliseconds())
	}
	a.restoreWindowState(ctx)
}

// beforeClose saves the window's state; it never stops the close.
func (a *App) beforeClose(ctx context.Context) bool {
	a.saveWindowState(ctx)
	return false
}

// open opens the database in the data directory and resumes background
// work: hashing of models not yet hashed and the saved download list.
func (a *App) open(ctx context.Context) error {
	if a.events == nil {
		a.events = discardEmitter{}
	}
	a.bgCtx, a.bgCancel = context.WithCancel(context.Background())
	if a.cfg.DataDir == "" {
		a.openErr = fmt.Errorf("%w: no data directory", errNotOpen)
		return a.openErr
	}
	db, err := storage.OpenWith(ctx, filepath.Join(a.cfg.DataDir, storage.DatabaseFile), storage.Options{
		OnCorruptPage: func(e *storage.CorruptPageError) { a.logf("hearth: %v", e) },
	})
	if err != nil {
		a.openErr = fmt.Errorf("%w: %w", errNotOpen, err)
		return a.openErr
	}
	a.db = db
	a.cache = kvcache.New(db, a.logf)
	if err := a.resumeHashing(ctx); err != nil {
		a.logf("hearth: %v", err)
	}
	if err := a.downloads.restore(ctx); err != nil {
		a.logf("hearth: %v", err)
	}
	return nil
}

// shutdown stops generation, pauses downloads, stops hashing, unloads the
// model and closes the database.
func (a *App) shutdown(ctx context.Context) {
	_, _ = a.StopAPI()
	a.stopAndWait()
	a.closeContexts()
	a.downloads.pauseAll()
	if a.bgCancel != nil {
		a.bgCancel()
	}
	a.bg.Wait()
	a.unload()
	if a.db != nil {
		if err := a.db.Close(); err != nil {
			a.logf("hearth: %v", err)
		}
		a.db = nil
	}
}

// store returns the database, or the reason there is none.
func (a *App) store() (*storage.DB, error) {
	if a.db == nil {
		if a.openErr != nil {
			return nil, a.openErr
		}
		return nil, errNotOpen
	}
	return a.db, nil
}

// Status reports the app's state for the UI.
func (a *App) Status() Status {
	st := Status{
		Version:  Version,
		Build:    buildKind,
		Platform: runtime.GOOS + "/" + runtime.GOARCH,
		DataDir:  a.cfg.DataDir,
		Off:      a.featuresOff(),
	}
	a.mu.Lock()
	if m := a.model; m != nil {
		st.ModelLoaded, st.LoadedModelID, st.ModelName, st.RemoteHost = true, m.id, m.name, m.remoteHost
		if m.m != nil { // a remote model has no local engine
			sel := m.m.Backend()
			st.Backend, st.BackendNotice = string(sel.Active), sel.Fallback
		}
	}
	a.mu.Unlock()
	return st
}
