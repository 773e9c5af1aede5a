package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStatusShowsDatabaseOff: when the data directory cannot be opened,
// Status says the database features are off and why, instead of each
// action failing with no explanation.
func TestStatusShowsDatabaseOff(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := New(Config{DataDir: notDir, Events: newRecorder(), Logf: t.Logf})
	if err := a.open(t.Context()); err == nil {
		t.Fatal("opened a database under a regular file")
	}
	defer a.shutdown(t.Context())
	off := a.Status().Off
	if len(off) != 1 || !strings.Contains(off[0].Feature, "history") || !strings.Contains(off[0].Reason, notDir) {
		t.Fatalf("Status().Off = %+v, want the database off naming %s", off, notDir)
	}
	if _, err := a.ListConversations(); err == nil || !strings.Contains(err.Error(), notDir) {
		t.Errorf("ListConversations error %v should give the reason", err)
	}
}

// TestStatusNothingOff: a working app with a model loaded reports nothing off.
func TestStatusNothingOff(t *testing.T) {
	a, rec := openApp(t, t.TempDir(), Config{})
	loadTiny(t, a, rec)
	if off := a.Status().Off; len(off) != 0 {
		t.Fatalf("Status().Off = %+v, want none", off)
	}
}
