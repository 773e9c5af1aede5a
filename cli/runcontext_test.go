package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunWithContext asks about a folder: stderr says what was read and
// skipped, draws the prefill progress (one line per tenth off a terminal)
// and a second run takes the folder from the snapshot cache.
func TestRunWithContext(t *testing.T) {
	dir := sharedFixtures(t)
	t.Setenv("HEARTH_DATA_DIR", t.TempDir())
	folder := t.TempDir()
	var long strings.Builder
	for i := range 200 {
		long.WriteString("line of notes about the hearth and its fire, number ")
		long.WriteString(strings.Repeat("x", i%7))
		long.WriteString("\n")
	}
	for name, content := range map[string]string{"notes.md": long.String(), "a.go": "package a\n", "logo.png": "\x89PNG\x00\x00", ".gitignore": "*.log\n", "x.log": "noise"} {
		if err := os.WriteFile(filepath.Join(folder, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func() string {
		var stdout, stderr bytes.Buffer
		code := runRun([]string{
			"--model", filepath.Join(dir, "models", "tiny-llama4-scout-f32.gguf"), "--context", folder,
			"--prompt", "What is in notes.md?", "-n", "4", "--temp", "0", "--ctx", "8192",
		}, &stdout, &stderr)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		return stderr.String()
	}
	first := run()
	for _, want := range []string{"files, ", "3 files", "2 skipped", "skipped logo.png: binary file", `skipped x.log: ignored (pattern "*.log" in .gitignore)`, "[prefill ", "tok/s"} {
		if !strings.Contains(first, want) {
			t.Errorf("stderr lacks %q:\n%s", want, first)
		}
	}
	second := run()
	if !strings.Contains(second, "from cache") || strings.Contains(second, "[restored 0 of") {
		t.Errorf("the second run did not restore the folder from the cache:\n%s", second)
	}
}

func TestRunContextThatDoesNotFit(t *testing.T) {
	dir := sharedFixtures(t)
	t.Setenv("HEARTH_DATA_DIR", t.TempDir())
	folder := t.TempDir()
	if err := os.WriteFile(filepath.Join(folder, "big.txt"), []byte(strings.Repeat("many words here\n", 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := runRun([]string{"--model", filepath.Join(dir, "models", "tiny-llama4-scout-f32.gguf"), "--context", folder,
		"--prompt", "hi", "--ctx", "256"}, &stdout, &stderr)
	if code == 0 || !strings.Contains(stderr.String(), "give a larger --ctx") {
		t.Fatalf("exit %d, stderr %q; want a refusal that says what to do", code, stderr.String())
	}
	code = runRun([]string{"--model", "x.gguf", "--context", filepath.Join(folder, "missing"), "--prompt", "hi"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "--context:") {
		t.Fatalf("missing folder: exit %d, %q", code, stderr.String())
	}
}
