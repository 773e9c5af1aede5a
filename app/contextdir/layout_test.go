package contextdir

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func file(path, text string, age time.Duration) File {
	return File{RelPath: path, Text: text, SHA256: "sum-" + text, ModTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(-age)}
}

func TestLayOrdersOldestFirstWithHeaders(t *testing.T) {
	files := []File{file("b.go", "package b\n", time.Hour), file("a.go", "package a", time.Hour), file("old.md", "old\n", 24*time.Hour)}
	lay := Lay(files, nil)
	want := "=== old.md ===\nold\n\n=== a.go ===\npackage a\n\n=== b.go ===\npackage b\n\n"
	if lay.Text != want {
		t.Fatalf("text:\n%q\nwant\n%q", lay.Text, want)
	}
	var order []string
	for _, s := range lay.Segments {
		order = append(order, s.RelPath)
		seg := lay.Text[s.Start:s.End]
		if !strings.HasPrefix(seg, Header(s.RelPath)) || !strings.HasSuffix(seg, "\n\n") {
			t.Errorf("segment %s = %q", s.RelPath, seg)
		}
	}
	if !reflect.DeepEqual(order, []string{"old.md", "a.go", "b.go"}) {
		t.Fatalf("order %v (ties by path)", order)
	}
	if lay.Segments[len(lay.Segments)-1].End != len(lay.Text) {
		t.Fatal("segments must cover the text")
	}
	if ex := Lay(files, map[string]bool{"a.go": true}); strings.Contains(ex.Text, "package a") || len(ex.Segments) != 2 {
		t.Fatalf("excluded a.go: %q", ex.Text)
	}
}

// TestLayKeepsThePrefixBeforeAnEdit: editing a file (which makes it the
// newest) changes the text only from where it used to be.
func TestLayKeepsThePrefixBeforeAnEdit(t *testing.T) {
	files := []File{file("1.txt", "one\n", 4*time.Hour), file("2.txt", "two\n", 3*time.Hour), file("3.txt", "three\n", 2*time.Hour), file("4.txt", "four\n", time.Hour)}
	before := Lay(files, nil)
	for i := range files {
		edited := append([]File{}, files...)
		edited[i] = file(files[i].RelPath, files[i].Text+"edited\n", 0)
		after := Lay(edited, nil)
		common := 0
		for common < len(before.Text) && common < len(after.Text) && before.Text[common] == after.Text[common] {
			common++
		}
		if start := before.Segments[i].Start; common < start {
			t.Errorf("editing %s changed the text at byte %d, before its segment at %d", files[i].RelPath, common, start)
		}
		if last := after.Segments[len(after.Segments)-1]; last.RelPath != files[i].RelPath {
			t.Errorf("the edited %s is not last: %s is", files[i].RelPath, last.RelPath)
		}
	}
}

func TestSystemTextPutsTheSystemPromptLast(t *testing.T) {
	lay := Lay([]File{file("a.go", "package a\n", 0)}, nil)
	got := SystemText("repo", false, lay, "Be brief.")
	if !strings.HasPrefix(got, `The user shared the folder "repo".`) || !strings.HasSuffix(got, lay.Text+"\nBe brief.") {
		t.Fatalf("system text %q", got)
	}
	if doc := SystemText("notes.md", true, lay, ""); !strings.Contains(doc, `the document "notes.md"`) || !strings.HasSuffix(doc, lay.Text) {
		t.Fatalf("document %q", doc)
	}
}
