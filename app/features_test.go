package app

import (
	"errors"
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

// TestSnapshotSaveFailureShowsOff: a failing KV snapshot save turns the
// prompt cache off in Status, with the reason, until a save succeeds.
func TestSnapshotSaveFailureShowsOff(t *testing.T) {
	a, rec := openApp(t, t.TempDir(), Config{})
	loadTiny(t, a, rec)
	a.mu.Lock()
	lm := a.model
	a.mu.Unlock()
	a.noteSnapshotSave(lm, errors.New("disk full"))
	off := a.Status().Off
	if len(off) != 1 || !strings.Contains(off[0].Feature, "Prompt cache") || !strings.Contains(off[0].Reason, "disk full") {
		t.Fatalf("Status().Off = %+v", off)
	}
	if last := rec.named(EventModelStatus); len(last) == 0 || len(last[len(last)-1].(Status).Off) != 1 {
		t.Error("the change was not sent as a model:status event")
	}
	a.noteSnapshotSave(lm, nil)
	if off := a.Status().Off; len(off) != 0 {
		t.Fatalf("after a good save Status().Off = %+v", off)
	}
}
