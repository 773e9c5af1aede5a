//go:build !production && !dev

package app

// buildKind names a binary without the Wails GUI tags: tests, the bindings
// generator and headless CLI use. Code that needs a display (global hotkey,
// clipboard) likewise sits in files tagged `desktop || dev`, with a headless
// counterpart tagged `!desktop && !dev`, so that this build never touches X.
const buildKind = "headless"

// withBuildHooks returns cfg unchanged: test hooks are for dev binaries.
func withBuildHooks(cfg Config) Config { return cfg }
