package storage

import (
	"context"
	"fmt"
	"strings"
	"unicode"
)

// Snippet highlight markers. SearchHit.Snippet wraps each matched term in
// SnippetStart … SnippetEnd (the ASCII control characters STX and ETX,
// which never occur in typed text). The UI should HTML-escape the snippet
// first and then turn the markers into <mark> and </mark>.
const (
	SnippetStart = "\x02"
	SnippetEnd   = "\x03"
	// SnippetEllipsis marks text cut from either end of a snippet.
	SnippetEllipsis = "…"
)

// snippetTokens is the snippet length, in tokens, that FTS5 aims for.
const snippetTokens = 16

// SearchHit is one message matching a search.
type SearchHit struct {
	ConversationID int64  `json:"conversation_id"`
	MessageID      int64  `json:"message_id"`
	Title          string `json:"title"`
	Role           string `json:"role"`
	Snippet        string `json:"snippet"`
	CreatedAt      int64  `json:"created_at"`
}

// Search finds messages (in conversations not in the trash) containing
// every word of query, the last word also as a prefix so results follow
// typing, best matches first. Query text is never parsed as FTS5 syntax:
// quotes, '-', ':', '*', parentheses and the like are just characters.
// An empty query, or one with no letters or digits, returns no hits.
func (db *DB) Search(ctx context.Context, query string, limit int) ([]SearchHit, error) {
	match := ftsQuery(query)
	if match == "" || limit <= 0 {
		return nil, nil
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT m.conversation_id, m.id, c.title, m.role,
			snippet(messages_fts, 0, ?, ?, ?, ?), m.created_at
		FROM messages_fts
		JOIN messages m ON m.id = messages_fts.rowid
		JOIN conversations c ON c.id = m.conversation_id
		WHERE messages_fts MATCH ? AND c.deleted_at IS NULL
		ORDER BY bm25(messages_fts), m.id DESC
		LIMIT ?`, SnippetStart, SnippetEnd, SnippetEllipsis, snippetTokens, match, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: search %q: %w", query, err)
	}
	defer rows.Close()
	hits := []SearchHit{}
	for rows.Next() {
		var h SearchHit
		if err := rows.Scan(&h.ConversationID, &h.MessageID, &h.Title, &h.Role, &h.Snippet, &h.CreatedAt); err != nil {
			return nil, fmt.Errorf("storage: search %q: %w", query, err)
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: search %q: %w", query, err)
	}
	return hits, nil
}

// ftsQuery turns user text into an FTS5 query: each whitespace-separated
// word becomes a quoted string (quotes doubled), so FTS5 operators and
// punctuation lose their meaning; the tokenizer then splits the string as
// it split the indexed text. Words without a letter or digit would be
// empty phrases and are dropped. The last word gets a prefix '*'.
func ftsQuery(text string) string {
	var terms []string
	for _, w := range strings.Fields(text) {
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
	}
	if len(terms) == 0 {
		return ""
	}
	terms[len(terms)-1] += "*"
	return strings.Join(terms, " ")
}
