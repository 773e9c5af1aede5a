//go:build dev

package app

import (
	"os"
	"strconv"
)

// buildKind names the dev-tagged binary that `wails dev` and the browser
// end-to-end tests run.
const buildKind = "dev"

// withBuildHooks applies the test hooks only a dev binary honours:
// HEARTH_MEMORY_BUDGET (bytes) stands in for the machine's free memory, so
// an end-to-end test can see a model refused.
//
// The dev binary's arguments are Wails' dev-server flags (-devserver ADDR
// -assetdir DIR), not files a user opened, so none are handed to the page.
func withBuildHooks(cfg Config) Config {
	cfg.OpenFiles = nil
	if v := os.Getenv("HEARTH_MEMORY_BUDGET"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			cfg.MemoryBudget = n
		}
	}
	return cfg
}
