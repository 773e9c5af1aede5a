package contextdir

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tree writes files (path → content) under a new temp folder.
func tree(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func walk(t *testing.T, root string, opt Options) *Scan {
	t.Helper()
	s, err := Walk(context.Background(), root, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func paths(s *Scan) []string {
	out := []string{}
	for _, f := range s.Files {
		out = append(out, f.RelPath)
	}
	return out
}

func skips(s *Scan) map[string]string {
	out := map[string]string{}
	for _, k := range s.Skipped {
		out[k.RelPath] = k.Reason
	}
	return out
}

func TestWalkHonoursGitignoreAndSkipsFolders(t *testing.T) {
	root := tree(t, map[string]string{
		".gitignore":              "*.log\n/out/\n!keep.log\n",
		"main.go":                 "package main\n",
		"debug.log":               "noise",
		"keep.log":                "wanted",
		"out/bin.txt":             "generated",
		"sub/out/kept.txt":        "only the root out/ is ignored",
		"sub/.gitignore":          "*.txt\n!important.txt\n",
		"sub/notes.txt":           "ignored below sub",
		"sub/important.txt":       "put back",
		"sub/code.go":             "package sub\n",
		"node_modules/x/index.js": "dep",
		".git/config":             "[core]",
		".git/info/exclude":       "secret.md\n",
		"secret.md":               "excluded by .git/info/exclude",
		"dist/app.js":             "built",
		"docs/guide.pdf":          "%PDF-1.7",
	})
	s := walk(t, root, Options{})
	want := []string{".gitignore", "keep.log", "main.go", "sub/.gitignore", "sub/code.go", "sub/important.txt"}
	if !reflect.DeepEqual(paths(s), want) {
		t.Fatalf("files %q, want %q", paths(s), want)
	}
	got := skips(s)
	for p, reason := range map[string]string{
		"debug.log":        `ignored (pattern "*.log" in .gitignore)`,
		"out/":             `ignored (pattern "/out/" in .gitignore)`,
		"sub/notes.txt":    `ignored (pattern "*.txt" in sub/.gitignore)`,
		"sub/out/kept.txt": `ignored (pattern "*.txt" in sub/.gitignore)`,
		"node_modules/":    "dependency folder",
		".git/":            "version-control folder",
		"dist/":            "build output folder",
		"secret.md":        `ignored (pattern "secret.md" in .git/info/exclude)`,
		"docs/guide.pdf":   "PDF (text extraction not supported)",
	} {
		if got[p] != reason {
			t.Errorf("skip %s: %q, want %q", p, got[p], reason)
		}
	}
	if _, listed := got["node_modules/x/index.js"]; listed {
		t.Error("a skipped folder is listed once, not file by file")
	}
}

func TestWalkSkipsBinaryBadTextAndLargeFiles(t *testing.T) {
	root := tree(t, map[string]string{
		"image.png":  "\x89PNG\r\n\x1a\n\x00\x00",
		"latin1.txt": "caf\xe9",
		"bom.txt":    "\xef\xbb\xbfhello",
		"ok.txt":     "fine",
	})
	// A 2 GiB log, sparse: skipping it must cost a stat, not a read.
	big, err := os.Create(filepath.Join(root, "huge.log"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(2 << 30); err != nil {
		t.Fatal(err)
	}
	big.Close()
	s := walk(t, root, Options{})
	if !reflect.DeepEqual(paths(s), []string{"bom.txt", "ok.txt"}) {
		t.Fatalf("files %q", paths(s))
	}
	got := skips(s)
	if got["image.png"] != "binary file" || got["latin1.txt"] != "not valid UTF-8 text" || got["huge.log"] != "larger than 1.0 MiB (2.0 GiB)" {
		t.Fatalf("skips %q", got)
	}
	if s.Files[0].Text != "hello" {
		t.Errorf("BOM kept: %q", s.Files[0].Text)
	}
	small := walk(t, root, Options{MaxFileBytes: 3})
	if skips(small)["ok.txt"] != "larger than 3 B (4 B)" {
		t.Errorf("a limit from the options: %q", skips(small))
	}
}

func TestWalkNeverFollowsLinksOut(t *testing.T) {
	outside := tree(t, map[string]string{"secret.txt": "private"})
	root := tree(t, map[string]string{"a.txt": "inside", "dir/b.txt": "bee"})
	for link, target := range map[string]string{
		"out.txt":   filepath.Join(outside, "secret.txt"),
		"outdir":    outside,
		"up":        "..",
		"loop":      ".",
		"dirlink":   "dir",
		"again.txt": "a.txt",
		"other.txt": "dir/b.txt",
		"broken":    "missing.txt",
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	// Links to files inside are duplicates of files the walk reads anyway.
	s := walk(t, root, Options{})
	if !reflect.DeepEqual(paths(s), []string{"a.txt", "dir/b.txt"}) {
		t.Fatalf("files %q", paths(s))
	}
	got := skips(s)
	for p, reason := range map[string]string{
		"out.txt":   "symbolic link pointing outside the folder",
		"outdir":    "symbolic link pointing outside the folder",
		"up":        "symbolic link pointing outside the folder",
		"loop":      "symbolic link to a folder (not followed)",
		"dirlink":   "symbolic link to a folder (not followed)",
		"again.txt": "same file as a.txt",
		"other.txt": "same file as dir/b.txt",
		"broken":    "broken symbolic link",
	} {
		if got[p] != reason {
			t.Errorf("%s: %q, want %q", p, got[p], reason)
		}
	}
	for _, f := range s.Files {
		if strings.Contains(f.Text, "private") {
			t.Fatal("a file outside the folder was read")
		}
	}
}

func TestWalkReadsALinkToAnIgnoredTargetOnce(t *testing.T) {
	root := tree(t, map[string]string{".gitignore": "vendor/\n", "vendor/lib.go": "package lib\n"})
	if err := os.Symlink("vendor/lib.go", filepath.Join(root, "lib.go")); err != nil {
		t.Fatal(err)
	}
	s := walk(t, root, Options{})
	if !reflect.DeepEqual(paths(s), []string{".gitignore", "lib.go"}) || s.Files[1].Text != "package lib\n" {
		t.Fatalf("files %q", paths(s))
	}
}

func TestWalkSkipsSpecialFilesAndBadNames(t *testing.T) {
	root := tree(t, map[string]string{"ok.txt": "fine"})
	if err := syscall.Mkfifo(filepath.Join(root, "pipe"), 0o644); err != nil {
		t.Skipf("no fifo here: %v", err)
	}
	bad := filepath.Join(root, "bad\xffname.txt")
	if err := os.WriteFile(bad, []byte("x"), 0o644); err != nil {
		t.Skipf("this file system refuses names that are not UTF-8: %v", err)
	}
	s := walk(t, root, Options{}) // a fifo opened for reading would block here
	got := skips(s)
	if got["pipe"] != "not a regular file" || got["bad\uFFFDname.txt"] != "file name is not valid UTF-8" {
		t.Fatalf("skips %q", got)
	}
	if !reflect.DeepEqual(paths(s), []string{"ok.txt"}) {
		t.Fatalf("files %q", paths(s))
	}
}

func TestWalkUnreadableFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: permission bits do not stop root from reading, so an unreadable folder cannot be made")
	}
	root := tree(t, map[string]string{"ok.txt": "fine", "locked/x.txt": "x"})
	if err := os.Chmod(filepath.Join(root, "locked"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(root, "locked"), 0o755) })
	s := walk(t, root, Options{})
	if got := skips(s)["locked/"]; got != "unreadable: permission denied" {
		t.Fatalf("locked/: %q", got)
	}
}

func TestWalkLimitsFileCount(t *testing.T) {
	files := map[string]string{}
	for i := range 3000 {
		files[fmt.Sprintf("d%02d/f%04d.txt", i%50, i)] = "x"
	}
	root := tree(t, files)
	var seen []int
	s := walk(t, root, Options{MaxFiles: 1000, Progress: func(n int) { seen = append(seen, n) }})
	if len(s.Files) != 1000 {
		t.Fatalf("%d files read, want 1000", len(s.Files))
	}
	if got := skips(s)[""]; got != "more than 1000 files: 2000 more not read" {
		t.Fatalf("overflow skip %q", got)
	}
	if len(seen) == 0 || seen[len(seen)-1] > 3050 {
		t.Fatalf("progress %v", seen)
	}
}

func TestWalkStopsWhenCancelled(t *testing.T) {
	files := map[string]string{}
	for i := range 600 {
		files[fmt.Sprintf("f%04d.txt", i)] = "x"
	}
	root := tree(t, files)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Walk(ctx, root, Options{Progress: func(int) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestWalkReusesUnchangedFiles(t *testing.T) {
	root := tree(t, map[string]string{"a.txt": "one", "b.txt": "two"})
	first := walk(t, root, Options{})
	// Rewrite a.txt behind the scan's back with the same size and time:
	// a rescan trusts size and time, as make does, and takes it from first.
	fi, _ := os.Stat(filepath.Join(root, "a.txt"))
	os.WriteFile(filepath.Join(root, "a.txt"), []byte("uno"), 0o644)
	os.Chtimes(filepath.Join(root, "a.txt"), fi.ModTime(), fi.ModTime())
	os.WriteFile(filepath.Join(root, "b.txt"), []byte("two, edited"), 0o644)
	again := walk(t, root, Options{Previous: first})
	if again.Files[0].Text != "one" || again.Files[1].Text != "two, edited" {
		t.Fatalf("rescan: %q, %q", again.Files[0].Text, again.Files[1].Text)
	}
	if again.Files[1].SHA256 == first.Files[1].SHA256 {
		t.Fatal("the edited file kept its old hash")
	}
}

func TestWalkSingleFileAndBadRoots(t *testing.T) {
	root := tree(t, map[string]string{"notes.md": "# Notes\n"})
	s := walk(t, filepath.Join(root, "notes.md"), Options{})
	if !s.IsFile || !reflect.DeepEqual(paths(s), []string{"notes.md"}) {
		t.Fatalf("single file: %+v", s)
	}
	if _, err := Walk(context.Background(), filepath.Join(root, "missing"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing root: %v", err)
	}
	again := walk(t, root, Options{})
	if again.Files[0].ModTime.IsZero() || again.Files[0].ModTime.After(time.Now().Add(time.Minute)) {
		t.Fatalf("mod time %v", again.Files[0].ModTime)
	}
}

func TestWalkIsDeterministic(t *testing.T) {
	root := tree(t, map[string]string{"b/x.go": "x", "a.go": "a", "c/d/e.txt": "e", "z.bin": "\x00"})
	if a, b := walk(t, root, Options{}), walk(t, root, Options{}); !reflect.DeepEqual(a, b) {
		t.Fatalf("two walks differ:\n%+v\n%+v", a, b)
	}
}
