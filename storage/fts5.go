package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ErrNoFTS5 means this binary's SQLite lacks the FTS5 module that the
// schema's full-text search index needs: it was built without the
// sqlite_fts5 tag. Hearth refuses to start rather than run without search,
// because a database made without the index would have to be rebuilt once
// the user runs a proper build.
var ErrNoFTS5 = errors.New("this build of Hearth has no SQLite full-text search (FTS5); build it with `make build` (or go build -tags sqlite_fts5)")

// CheckFTS5 returns ErrNoFTS5 when the linked SQLite cannot create an FTS5
// table. It touches no file: the probe runs in a private in-memory database.
// main calls it first, so a wrong build fails at start with one line.
func CheckFTS5(ctx context.Context) error { return probeModule(ctx, "fts5") }

// probeModule creates a virtual table of module in a throw-away in-memory
// database, mapping SQLite's "no such module" to ErrNoFTS5.
func probeModule(ctx context.Context, module string) error {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		return fmt.Errorf("storage: probe %s: %w", module, err)
	}
	defer db.Close()
	// The module name is our own constant, never user input.
	_, err = db.ExecContext(ctx, "CREATE VIRTUAL TABLE probe USING "+module+"(body)")
	if err != nil {
		if strings.Contains(err.Error(), "no such module") {
			return ErrNoFTS5
		}
		return fmt.Errorf("storage: probe %s: %w", module, err)
	}
	return nil
}
