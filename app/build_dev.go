//go:build dev

package app

// buildKind names the dev-tagged binary that `wails dev` and the browser
// end-to-end tests run.
const buildKind = "dev"
