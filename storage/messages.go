package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Message roles as stored. Storage does not interpret them.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
	RoleTool      = "tool"
)

// GenerationStats records how an assistant message was produced.
type GenerationStats struct {
	Model            string `json:"model,omitempty"`
	PromptTokens     int    `json:"prompt_tokens,omitempty"`
	CompletionTokens int    `json:"completion_tokens,omitempty"`
	// CachedTokens is how many prompt tokens were restored from KV pages
	// instead of being prefilled.
	CachedTokens int    `json:"cached_tokens,omitempty"`
	PrefillMS    int64  `json:"prefill_ms,omitempty"`
	DecodeMS     int64  `json:"decode_ms,omitempty"`
	StopReason   string `json:"stop_reason,omitempty"`
}

// Message is one node of a conversation's message tree. ParentID is 0 for
// a root. Editing or regenerating adds a sibling rather than changing a
// message, so every earlier branch stays reachable.
type Message struct {
	ID             int64           `json:"id"`
	ConversationID int64           `json:"conversation_id"`
	ParentID       int64           `json:"parent_id"`
	Role           string          `json:"role"`
	Content        string          `json:"content"`
	TokenCount     int             `json:"token_count"`
	Stats          GenerationStats `json:"stats"`
	Attachments    []Attachment    `json:"attachments"`
	CreatedAt      int64           `json:"created_at"`
	UpdatedAt      int64           `json:"updated_at"`
}

// NewMessage holds the fields of a message to append.
type NewMessage struct {
	ConversationID int64
	ParentID       int64
	Role           string
	Content        string
	TokenCount     int
	Stats          GenerationStats
	Attachments    []AttachmentRef
}

const messageColumns = `m.id, m.conversation_id, COALESCE(m.parent_id, 0), m.role, m.content,
	m.token_count, m.model, m.prompt_tokens, m.completion_tokens, m.cached_tokens,
	m.prefill_ms, m.decode_ms, m.stop_reason, m.created_at, m.updated_at`

func scanMessage(row interface{ Scan(...any) error }) (Message, error) {
	var m Message
	s := &m.Stats
	err := row.Scan(&m.ID, &m.ConversationID, &m.ParentID, &m.Role, &m.Content,
		&m.TokenCount, &s.Model, &s.PromptTokens, &s.CompletionTokens, &s.CachedTokens,
		&s.PrefillMS, &s.DecodeMS, &s.StopReason, &m.CreatedAt, &m.UpdatedAt)
	return m, err
}

// AppendMessage adds a message under ParentID (0 for a root), attaches its
// attachments, makes it the conversation's active leaf and bumps the
// conversation's updated time, all in one transaction.
func (db *DB) AppendMessage(ctx context.Context, nm NewMessage) (Message, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = db.appendMessageTx(ctx, tx, nm)
		return err
	})
	if err != nil {
		return Message{}, fmt.Errorf("storage: append message to conversation %d: %w", nm.ConversationID, err)
	}
	return db.GetMessage(ctx, id)
}

func (db *DB) appendMessageTx(ctx context.Context, tx *sql.Tx, nm NewMessage) (int64, error) {
	var exists bool
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM conversations WHERE id = ?)", nm.ConversationID).Scan(&exists); err != nil {
		return 0, err
	}
	if !exists {
		return 0, ErrNotFound
	}
	if nm.ParentID != 0 {
		var conv int64
		err := tx.QueryRowContext(ctx, "SELECT conversation_id FROM messages WHERE id = ?", nm.ParentID).Scan(&conv)
		if errors.Is(err, sql.ErrNoRows) || err == nil && conv != nm.ConversationID {
			return 0, fmt.Errorf("parent %d: %w", nm.ParentID, ErrNotFound)
		}
		if err != nil {
			return 0, err
		}
	}
	now := db.nowMS()
	s := nm.Stats
	res, err := tx.ExecContext(ctx, `INSERT INTO messages (conversation_id, parent_id, role, content,
		token_count, model, prompt_tokens, completion_tokens, cached_tokens, prefill_ms, decode_ms,
		stop_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nm.ConversationID, nullInt(nm.ParentID), nm.Role, nm.Content, nm.TokenCount, s.Model,
		s.PromptTokens, s.CompletionTokens, s.CachedTokens, s.PrefillMS, s.DecodeMS, s.StopReason, now, now)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if err := attachTx(ctx, tx, id, nm.Attachments); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET active_leaf_id = ?, updated_at = ?
		WHERE id = ?`, id, now, nm.ConversationID); err != nil {
		return 0, err
	}
	return id, nil
}

// GetMessage returns one message with its attachments.
func (db *DB) GetMessage(ctx context.Context, id int64) (Message, error) {
	m, err := scanMessage(db.sql.QueryRowContext(ctx, "SELECT "+messageColumns+" FROM messages m WHERE m.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("storage: message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("storage: message %d: %w", id, err)
	}
	ms := []Message{m}
	if err := db.fillAttachments(ctx, ms); err != nil {
		return m, fmt.Errorf("storage: message %d: %w", id, err)
	}
	return ms[0], nil
}

// BranchPath returns the messages from the root down to leafID, root first.
func (db *DB) BranchPath(ctx context.Context, leafID int64) ([]Message, error) {
	ms, err := db.queryMessages(ctx, `WITH RECURSIVE up(id, depth) AS (
			SELECT ?, 0
			UNION ALL
			SELECT m.parent_id, up.depth + 1 FROM messages m JOIN up ON m.id = up.id
			WHERE m.parent_id IS NOT NULL)
		SELECT `+messageColumns+` FROM up JOIN messages m ON m.id = up.id ORDER BY up.depth DESC`, leafID)
	if err != nil {
		return nil, fmt.Errorf("storage: branch path to %d: %w", leafID, err)
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("storage: branch path to %d: %w", leafID, ErrNotFound)
	}
	return ms, nil
}

// Siblings returns the messages sharing id's parent (roots of the same
// conversation when id is a root), id included, oldest first: the
// alternatives a branch navigator pages through.
func (db *DB) Siblings(ctx context.Context, id int64) ([]Message, error) {
	ms, err := db.queryMessages(ctx, `SELECT `+messageColumns+` FROM messages m JOIN messages me ON me.id = ?
		WHERE m.conversation_id = me.conversation_id AND m.parent_id IS me.parent_id
		ORDER BY m.id`, id)
	if err != nil {
		return nil, fmt.Errorf("storage: siblings of %d: %w", id, err)
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("storage: siblings of %d: %w", id, ErrNotFound)
	}
	return ms, nil
}

// LatestLeaf follows the newest child from id downwards and returns the
// leaf it reaches (id itself when it has no children). Switching to a
// sibling then showing BranchPath(LatestLeaf(sibling)) restores that branch.
func (db *DB) LatestLeaf(ctx context.Context, id int64) (int64, error) {
	var leaf int64
	err := db.sql.QueryRowContext(ctx, `WITH RECURSIVE down(id, depth) AS (
			SELECT id, 0 FROM messages WHERE id = ?
			UNION ALL
			SELECT (SELECT MAX(c.id) FROM messages c WHERE c.parent_id = down.id), depth + 1
			FROM down WHERE down.id IS NOT NULL)
		SELECT id FROM down WHERE id IS NOT NULL ORDER BY depth DESC LIMIT 1`, id).Scan(&leaf)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("storage: latest leaf under %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("storage: latest leaf under %d: %w", id, err)
	}
	return leaf, nil
}

// ListMessages returns every message of a conversation, all branches, in
// insertion order (so parents come before their children).
func (db *DB) ListMessages(ctx context.Context, conversationID int64) ([]Message, error) {
	ms, err := db.queryMessages(ctx, `SELECT `+messageColumns+` FROM messages m
		WHERE m.conversation_id = ? ORDER BY m.id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("storage: messages of conversation %d: %w", conversationID, err)
	}
	return ms, nil
}

// UpdateMessageContent replaces a message's text, as when a streamed reply
// is saved as it grows or when it completes.
func (db *DB) UpdateMessageContent(ctx context.Context, id int64, content string, tokenCount int) error {
	res, err := db.sql.ExecContext(ctx, `UPDATE messages SET content = ?, token_count = ?, updated_at = ?
		WHERE id = ?`, content, tokenCount, db.nowMS(), id)
	return checkAffected(res, err, fmt.Sprintf("message %d: update content", id))
}

// UpdateMessageStats replaces a message's generation stats.
func (db *DB) UpdateMessageStats(ctx context.Context, id int64, s GenerationStats) error {
	res, err := db.sql.ExecContext(ctx, `UPDATE messages SET model = ?, prompt_tokens = ?,
		completion_tokens = ?, cached_tokens = ?, prefill_ms = ?, decode_ms = ?, stop_reason = ?,
		updated_at = ? WHERE id = ?`, s.Model, s.PromptTokens, s.CompletionTokens, s.CachedTokens,
		s.PrefillMS, s.DecodeMS, s.StopReason, db.nowMS(), id)
	return checkAffected(res, err, fmt.Sprintf("message %d: update stats", id))
}

// DeleteMessage deletes a message and everything below it. If the active
// leaf was in that subtree, the deleted message's parent becomes active.
func (db *DB) DeleteMessage(ctx context.Context, id int64) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var conv int64
		var parent sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT conversation_id, parent_id FROM messages WHERE id = ?", id).Scan(&conv, &parent)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM messages WHERE id = ?", id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE conversations SET active_leaf_id = ?, updated_at = ?
			WHERE id = ? AND active_leaf_id IS NULL`, parent, db.nowMS(), conv)
		return err
	})
	if err != nil {
		return fmt.Errorf("storage: delete message %d: %w", id, err)
	}
	return nil
}

func (db *DB) queryMessages(ctx context.Context, query string, args ...any) ([]Message, error) {
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := db.fillAttachments(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}
