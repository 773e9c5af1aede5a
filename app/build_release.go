//go:build production

package app

// buildKind names the binary that `wails build` makes.
const buildKind = "release"

// withBuildHooks returns cfg unchanged: a release binary has no test hooks.
func withBuildHooks(cfg Config) Config { return cfg }
