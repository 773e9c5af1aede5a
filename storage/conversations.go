package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// GenerationSettings are the sampling settings saved with a conversation.
// They are stored as JSON, so adding a field needs no migration; zero
// values mean "use the app's default".
type GenerationSettings struct {
	Temperature   float64 `json:"temperature,omitempty"`
	TopK          int     `json:"top_k,omitempty"`
	TopP          float64 `json:"top_p,omitempty"`
	MinP          float64 `json:"min_p,omitempty"`
	RepeatPenalty float64 `json:"repeat_penalty,omitempty"`
	Seed          int64   `json:"seed,omitempty"`
	MaxTokens     int     `json:"max_tokens,omitempty"`
	ContextSize   int     `json:"context_size,omitempty"`
}

// Conversation is one chat. Times are unix milliseconds; DeletedAt is 0
// unless the conversation is in the trash. ActiveLeafID is the message the
// UI shows the branch path to (0 when empty).
type Conversation struct {
	ID           int64              `json:"id"`
	Title        string             `json:"title"`
	Model        string             `json:"model"`
	SystemPrompt string             `json:"system_prompt"`
	Settings     GenerationSettings `json:"settings"`
	Pinned       bool               `json:"pinned"`
	ActiveLeafID int64              `json:"active_leaf_id"`
	CreatedAt    int64              `json:"created_at"`
	UpdatedAt    int64              `json:"updated_at"`
	DeletedAt    int64              `json:"deleted_at"`
}

// NewConversation holds the fields a caller chooses when creating one.
type NewConversation struct {
	Title        string
	Model        string
	SystemPrompt string
	Settings     GenerationSettings
	Pinned       bool
}

const conversationColumns = `id, title, model, system_prompt, settings_json, pinned,
	COALESCE(active_leaf_id, 0), created_at, updated_at, COALESCE(deleted_at, 0)`

func scanConversation(row interface{ Scan(...any) error }) (Conversation, error) {
	var c Conversation
	var settings string
	err := row.Scan(&c.ID, &c.Title, &c.Model, &c.SystemPrompt, &settings, &c.Pinned,
		&c.ActiveLeafID, &c.CreatedAt, &c.UpdatedAt, &c.DeletedAt)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(settings), &c.Settings); err != nil {
		return c, fmt.Errorf("conversation %d: settings: %w", c.ID, err)
	}
	return c, nil
}

// CreateConversation inserts a conversation and returns it.
func (db *DB) CreateConversation(ctx context.Context, nc NewConversation) (Conversation, error) {
	settings, err := json.Marshal(nc.Settings)
	if err != nil {
		return Conversation{}, fmt.Errorf("storage: create conversation: %w", err)
	}
	now := db.nowMS()
	res, err := db.sql.ExecContext(ctx, `INSERT INTO conversations
		(title, model, system_prompt, settings_json, pinned, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		nc.Title, nc.Model, nc.SystemPrompt, string(settings), nc.Pinned, now, now)
	if err != nil {
		return Conversation{}, fmt.Errorf("storage: create conversation: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Conversation{}, fmt.Errorf("storage: create conversation: %w", err)
	}
	return db.GetConversation(ctx, id)
}

// GetConversation returns a conversation, including one in the trash.
func (db *DB) GetConversation(ctx context.Context, id int64) (Conversation, error) {
	c, err := scanConversation(db.sql.QueryRowContext(ctx,
		"SELECT "+conversationColumns+" FROM conversations WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("storage: conversation %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("storage: conversation %d: %w", id, err)
	}
	return c, nil
}

// ListConversations returns the conversations not in the trash, pinned
// first, then most recently updated first.
func (db *DB) ListConversations(ctx context.Context) ([]Conversation, error) {
	return db.listConversations(ctx, `WHERE deleted_at IS NULL
		ORDER BY pinned DESC, updated_at DESC, id DESC`)
}

// ListDeletedConversations returns the trash, most recently deleted first.
func (db *DB) ListDeletedConversations(ctx context.Context) ([]Conversation, error) {
	return db.listConversations(ctx, `WHERE deleted_at IS NOT NULL
		ORDER BY deleted_at DESC, id DESC`)
}

func (db *DB) listConversations(ctx context.Context, where string) ([]Conversation, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT "+conversationColumns+" FROM conversations "+where)
	if err != nil {
		return nil, fmt.Errorf("storage: list conversations: %w", err)
	}
	defer rows.Close()
	out := []Conversation{}
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: list conversations: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: list conversations: %w", err)
	}
	return out, nil
}

// RenameConversation sets a conversation's title.
func (db *DB) RenameConversation(ctx context.Context, id int64, title string) error {
	return db.updateConversation(ctx, id, "rename", "title = ?, updated_at = ?", title, db.nowMS())
}

// SetPinned pins or unpins a conversation. Pinning does not count as an
// update, so the conversation keeps its place among the unpinned by date.
func (db *DB) SetPinned(ctx context.Context, id int64, pinned bool) error {
	return db.updateConversation(ctx, id, "pin", "pinned = ?", pinned)
}

// UpdateConversationSettings replaces a conversation's model, system prompt
// and generation settings.
func (db *DB) UpdateConversationSettings(ctx context.Context, id int64, model, systemPrompt string, s GenerationSettings) error {
	settings, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("storage: conversation %d: settings: %w", id, err)
	}
	return db.updateConversation(ctx, id, "settings",
		"model = ?, system_prompt = ?, settings_json = ?, updated_at = ?",
		model, systemPrompt, string(settings), db.nowMS())
}

// SetActiveLeaf records which branch the UI shows; leafID must be a message
// of the conversation, or ErrNotFound is returned.
func (db *DB) SetActiveLeaf(ctx context.Context, id, leafID int64) error {
	res, err := db.sql.ExecContext(ctx, `UPDATE conversations SET active_leaf_id = ?
		WHERE id = ? AND EXISTS (SELECT 1 FROM messages WHERE id = ? AND conversation_id = ?)`,
		leafID, id, leafID, id)
	return checkAffected(res, err, fmt.Sprintf("conversation %d: set active leaf %d", id, leafID))
}

// DeleteConversation moves a conversation to the trash; RestoreConversation
// undoes it and PurgeConversation removes it for good.
func (db *DB) DeleteConversation(ctx context.Context, id int64) error {
	return db.updateConversation(ctx, id, "delete", "deleted_at = ?", db.nowMS())
}

// RestoreConversation takes a conversation out of the trash.
func (db *DB) RestoreConversation(ctx context.Context, id int64) error {
	return db.updateConversation(ctx, id, "restore", "deleted_at = NULL")
}

// PurgeConversation deletes a conversation with its messages and
// attachment rows. Blobs no longer referenced remain until PurgeOrphanBlobs.
func (db *DB) PurgeConversation(ctx context.Context, id int64) error {
	res, err := db.sql.ExecContext(ctx, "DELETE FROM conversations WHERE id = ?", id)
	return checkAffected(res, err, fmt.Sprintf("conversation %d: purge", id))
}

// PurgeDeleted removes every conversation that went to the trash before the
// given unix-ms time, and returns how many it removed.
func (db *DB) PurgeDeleted(ctx context.Context, deletedBeforeMS int64) (int, error) {
	res, err := db.sql.ExecContext(ctx,
		"DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at < ?", deletedBeforeMS)
	if err != nil {
		return 0, fmt.Errorf("storage: purge deleted conversations: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("storage: purge deleted conversations: %w", err)
	}
	return int(n), nil
}

func (db *DB) updateConversation(ctx context.Context, id int64, what, set string, args ...any) error {
	res, err := db.sql.ExecContext(ctx, "UPDATE conversations SET "+set+" WHERE id = ?", append(args, id)...)
	return checkAffected(res, err, fmt.Sprintf("conversation %d: %s", id, what))
}

// checkAffected turns an Exec result into an error, ErrNotFound when no row
// matched.
func checkAffected(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("storage: %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("storage: %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("storage: %s: %w", what, ErrNotFound)
	}
	return nil
}
