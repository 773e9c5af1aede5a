package contextdir

import (
	"fmt"
	"strings"
)

// SystemText is the system message that carries a context: a fixed
// preamble, the laid-out files, then the conversation's own system prompt.
// The preamble names nothing that changes with the files (no counts, no
// dates) and the system prompt comes last, so that editing a late file or
// the system prompt leaves every earlier token, and its cached KV pages,
// as it was. document says whether name is one file rather than a folder.
func SystemText(name string, document bool, lay Layout, systemPrompt string) string {
	var b strings.Builder
	what := "folder"
	if document {
		what = "document"
	}
	fmt.Fprintf(&b, "The user shared the %s %q. Each file below follows a line \"=== path ===\". "+
		"Answer questions about it from these files.\n\n", what, name)
	b.WriteString(lay.Text)
	if systemPrompt != "" {
		b.WriteString("\n")
		b.WriteString(systemPrompt)
	}
	return b.String()
}
