package storage

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestCheckFTS5(t *testing.T) {
	if err := CheckFTS5(context.Background()); err != nil {
		t.Fatalf("the test build (-tags sqlite_fts5) has FTS5: %v", err)
	}
}

// A module SQLite lacks takes the same path as FTS5 in a build without the
// tag: one line that says how to build.
func TestProbeMissingModuleSaysHowToBuild(t *testing.T) {
	err := probeModule(context.Background(), "no_such_module_here")
	if !errors.Is(err, ErrNoFTS5) {
		t.Fatalf("got %v, want ErrNoFTS5", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "make build") || strings.Contains(msg, "\n") {
		t.Fatalf("message %q should be one line naming make build", msg)
	}
}
