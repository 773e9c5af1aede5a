package contextdir

import (
	"sort"
	"strings"
)

// Segment is one file's span in a Layout's Text, in bytes:
// Text[Start:End], its header included.
type Segment struct {
	RelPath    string
	SHA256     string
	Start, End int
}

// Layout is files laid out as one text.
type Layout struct {
	Text     string
	Segments []Segment
}

// Header is the line before each file's content.
func Header(relPath string) string { return "=== " + relPath + " ===\n" }

// Lay lays files out as one text in a stable order: oldest modification
// time first (ties by path), so that editing a file keeps every file
// before it unchanged at the front of the text (see the package doc). Each
// file is its Header, its content, a "\n" if the content does not end in
// one, then a blank line. Files whose RelPath is in exclude are left out.
func Lay(files []File, exclude map[string]bool) Layout {
	order := make([]File, 0, len(files))
	for _, f := range files {
		if !exclude[f.RelPath] {
			order = append(order, f)
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		if !order[i].ModTime.Equal(order[j].ModTime) {
			return order[i].ModTime.Before(order[j].ModTime)
		}
		return order[i].RelPath < order[j].RelPath
	})
	var b strings.Builder
	lay := Layout{Segments: make([]Segment, 0, len(order))}
	for _, f := range order {
		start := b.Len()
		b.WriteString(Header(f.RelPath))
		b.WriteString(f.Text)
		if !strings.HasSuffix(f.Text, "\n") {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
		lay.Segments = append(lay.Segments, Segment{RelPath: f.RelPath, SHA256: f.SHA256, Start: start, End: b.Len()})
	}
	lay.Text = b.String()
	return lay
}
