package app

import (
	"fmt"
	"io/fs"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/options/mac"
)

// Run opens the desktop window, serving the built frontend from assets, and
// returns when the window closes. It needs a binary built with the Wails
// tags (desktop,production or dev); see the Makefile.
func Run(assets fs.FS, cfg Config) error {
	a := New(withBuildHooks(cfg))
	err := wails.Run(&options.App{
		Title:     "Hearth",
		Width:     defaultWindowWidth,
		Height:    defaultWindowHeight,
		MinWidth:  minWindowWidth,
		MinHeight: minWindowHeight,
		// A second launch (a .gguf double-clicked while Hearth runs) hands
		// its files to this window and exits.
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId:               instanceID(cfg.DataDir),
			OnSecondInstanceLaunch: a.secondInstance,
		},
		AssetServer: &assetserver.Options{
			Assets: assets,
		},
		// The page paints its own themed background at once; this colour only
		// shows for the instant before, so it sits between the two themes.
		BackgroundColour: &options.RGBA{R: 128, G: 124, B: 120, A: 255},
		// Dropped files reach Go (runtime.OnFileDrop → "files:dropped"); the
		// page stops WebKit from navigating to them (see frontend).
		DragAndDrop: &options.DragAndDrop{EnableFileDrop: true},
		Linux: &linux.Options{
			Icon:        cfg.Icon,
			ProgramName: "hearth",
			// What Wails picks when Linux options are absent: some GPU
			// drivers leave a hardware-accelerated WebKitGTK view blank.
			WebviewGpuPolicy: linux.WebviewGpuPolicyNever,
		},
		// macOS opens a double-clicked .gguf in the running app this way.
		Mac: &mac.Options{OnFileOpen: func(path string) {
			a.handOver("macOS", ExistingFiles([]string{path}, ""))
		}},
		OnStartup:     a.startup,
		OnDomReady:    a.domReady,
		OnBeforeClose: a.beforeClose,
		OnShutdown:    a.shutdown,
		Bind:          []any{a},
	})
	if err != nil {
		return fmt.Errorf("app: run window: %w", err)
	}
	return nil
}
