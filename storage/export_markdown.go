package storage

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"
)

// ExportMarkdown renders a conversation's active branch (what the user
// sees) as Markdown: a title, the model and system prompt, then one
// section per message. Times are written in UTC so output does not depend
// on the machine's zone.
func (db *DB) ExportMarkdown(ctx context.Context, conversationID int64) ([]byte, error) {
	c, err := db.GetConversation(ctx, conversationID)
	if err != nil {
		return nil, err
	}
	var path []Message
	if c.ActiveLeafID != 0 {
		if path, err = db.BranchPath(ctx, c.ActiveLeafID); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	title := c.Title
	if title == "" {
		title = "Untitled conversation"
	}
	fmt.Fprintf(&b, "# %s\n\n", oneLine(title))
	if c.Model != "" {
		fmt.Fprintf(&b, "- Model: `%s`\n", oneLine(c.Model))
	}
	fmt.Fprintf(&b, "- Created: %s\n\n", utcMS(c.CreatedAt))
	if c.SystemPrompt != "" {
		b.WriteString("## System\n\n")
		b.WriteString(strings.TrimRight(c.SystemPrompt, "\n"))
		b.WriteString("\n\n")
	}
	for _, m := range path {
		fmt.Fprintf(&b, "## %s\n\n", roleHeading(m.Role))
		if content := strings.TrimRight(m.Content, "\n"); content != "" {
			b.WriteString(content)
			b.WriteString("\n\n")
		}
		for _, a := range m.Attachments {
			fmt.Fprintf(&b, "- Attached %s: %s\n", a.Kind, oneLine(a.Name))
		}
		if len(m.Attachments) > 0 {
			b.WriteString("\n")
		}
		if s := m.Stats; s.CompletionTokens > 0 {
			var parts []string
			if s.Model != "" {
				parts = append(parts, oneLine(s.Model))
			}
			parts = append(parts, fmt.Sprintf("%d tokens", s.CompletionTokens))
			if s.DecodeMS > 0 {
				parts = append(parts, fmt.Sprintf("%.1f tokens/s", float64(s.CompletionTokens)*1000/float64(s.DecodeMS)))
			}
			fmt.Fprintf(&b, "*%s*\n\n", strings.Join(parts, " · "))
		}
	}
	return append(bytes.TrimRight(b.Bytes(), "\n"), '\n'), nil
}

func roleHeading(role string) string {
	if role == "" {
		return "Message"
	}
	return strings.ToUpper(role[:1]) + role[1:]
}

// oneLine keeps a value that belongs on one Markdown line from breaking it.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func utcMS(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04 UTC") }
