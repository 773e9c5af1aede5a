package app

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/wailsapp/wails/v2/pkg/options"
)

func TestExistingFilesAndTakeOpenFiles(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.gguf")
	if err := os.WriteFile(model, []byte("GGUF"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := ExistingFiles([]string{"m.gguf", "--flag", "", "missing.gguf", model, dir}, dir)
	if want := []string{model, model, dir}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ExistingFiles = %q, want %q", got, want)
	}
	a, _ := openApp(t, t.TempDir(), Config{OpenFiles: []string{model}})
	if p := a.TakeOpenFiles(); !reflect.DeepEqual(p, []string{model}) {
		t.Fatalf("first TakeOpenFiles = %q", p)
	}
	if p := a.TakeOpenFiles(); p == nil || len(p) != 0 {
		t.Fatalf("second TakeOpenFiles = %#v, want an empty list", p)
	}
}

// TestSecondInstanceHandsFilesToTheWindow: a second launch's files reach
// the page as a drop, relative paths taken from the second launch's
// working directory.
func TestSecondInstanceHandsFilesToTheWindow(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "m.gguf"), []byte("GGUF"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, rec := openApp(t, t.TempDir(), Config{})
	a.secondInstance(options.SecondInstanceData{Args: []string{"m.gguf", "gone.gguf"}, WorkingDirectory: dir})
	drops := rec.named(EventFilesDropped)
	if len(drops) != 1 || !reflect.DeepEqual(drops[0].(FilesDroppedEvent).Paths, []string{filepath.Join(dir, "m.gguf")}) {
		t.Fatalf("files:dropped = %+v", drops)
	}
	a.secondInstance(options.SecondInstanceData{WorkingDirectory: dir})
	if n := len(rec.named(EventFilesDropped)); n != 1 {
		t.Fatalf("a second launch without files dropped something: %d events", n)
	}
}

func TestInstanceIDFollowsTheDataDir(t *testing.T) {
	a, b := instanceID("/home/u/.local/share/hearth"), instanceID("/tmp/other")
	if a == b || a != instanceID("/home/u/.local/share/hearth") {
		t.Fatalf("ids %q and %q", a, b)
	}
}

// TestLastModelLoadsAgain: the model loaded last is loaded again when the
// window starts; once its file is gone, nothing is loaded.
func TestLastModelLoadsAgain(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(fixtureModel(t, tinyScout))
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), tinyScout)
	if err := os.WriteFile(copyPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	a, rec := openApp(t, dir, Config{})
	mi, err := a.AddModel(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	loaded := func(rec *recorder) func() bool {
		return func() bool {
			for _, e := range rec.named(EventModelStatus) {
				if st := e.(Status); st.ModelLoaded && st.LoadedModelID == mi.ID {
					return true
				}
			}
			return len(failedLoads(rec)) > 0
		}
	}
	if err := a.LoadModel(mi.ID); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "the model to load", loaded(rec))
	a.shutdown(context.Background())

	b, rec2 := openApp(t, dir, Config{})
	b.restoreLastModel(context.Background())
	rec2.waitFor(t, "the last model to load again", loaded(rec2))
	if f := failedLoads(rec2); len(f) > 0 {
		t.Fatalf("load failed: %s", f[0].Error)
	}
	b.shutdown(context.Background())

	if err := os.Remove(copyPath); err != nil {
		t.Fatal(err)
	}
	c, rec3 := openApp(t, dir, Config{})
	c.restoreLastModel(context.Background())
	if n := len(rec3.named(EventModelLoad)); n != 0 {
		t.Fatalf("%d model:load events for a model whose file is gone", n)
	}
}
