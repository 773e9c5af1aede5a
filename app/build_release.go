//go:build production

package app

// buildKind names the binary that `wails build` makes.
const buildKind = "release"
