// Package app holds the services that the desktop window binds to. It wires
// the engine and storage to the UI and holds no inference math and no SQL.
//
// Every exported method of App is callable from the frontend through the
// generated bindings in frontend/wailsjs, so App exports only what the UI may
// call; lifecycle hooks stay unexported and are wired up by Run.
package app

import (
	"context"
	"runtime"
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
	// DataDir is where user data lives; empty when it is not known.
	DataDir string `json:"dataDir"`
}

// App is the service bound to the desktop window.
type App struct {
	cfg Config
	ctx context.Context
}

// New returns an App for the given configuration.
func New(cfg Config) *App {
	return &App{cfg: cfg}
}

// startup keeps the Wails context, which later services need to emit events
// and open native dialogs.
func (a *App) startup(ctx context.Context) {
	a.ctx = ctx
}

// Status reports the app's state for the UI.
func (a *App) Status() Status {
	return Status{
		Version:     Version,
		Build:       buildKind,
		Platform:    runtime.GOOS + "/" + runtime.GOARCH,
		ModelLoaded: false,
		DataDir:     a.cfg.DataDir,
	}
}
