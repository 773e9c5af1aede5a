// Command hearth is the Hearth desktop assistant. With a subcommand it runs
// headless (see `hearth help`); without one it opens the desktop window.
package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"time"

	"hearth/app"
	"hearth/cli"
	"hearth/storage"
)

// frontendDist is the built UI. `all:` keeps frontend/dist/.gitkeep in the
// pattern so a fresh clone compiles before the frontend has been built.
//
//go:embed all:frontend/dist
var frontendDist embed.FS

//go:embed build/appicon.png
var icon []byte

func main() {
	started := time.Now()
	// A binary built without -tags sqlite_fts5 cannot open the database:
	// say how to build it instead of running without history and search.
	if err := storage.CheckFTS5(context.Background()); err != nil {
		fmt.Fprintf(os.Stderr, "hearth: %v\n", err)
		os.Exit(1)
	}
	if code, ok := cli.Run(os.Args[1:]); ok {
		os.Exit(code)
	}
	assets, err := fs.Sub(frontendDist, "frontend/dist")
	if err != nil {
		fmt.Fprintf(os.Stderr, "hearth: %v\n", err)
		os.Exit(1)
	}
	dataDir, err := storage.DataDir()
	if err != nil {
		fmt.Fprintf(os.Stderr, "hearth: %v\n", err)
		os.Exit(1)
	}
	// `hearth model.gguf` (what the desktop entry runs for a double-clicked
	// model) opens the window with that file, as if dropped on it.
	cwd, _ := os.Getwd()
	if err := app.Run(assets, app.Config{DataDir: dataDir, Icon: icon, StartedAt: started, OpenFiles: app.ExistingFiles(os.Args[1:], cwd)}); err != nil {
		fmt.Fprintf(os.Stderr, "hearth: %v\n", err)
		os.Exit(1)
	}
}
