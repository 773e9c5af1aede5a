package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// ConversationSource links a conversation to the folder or document that
// is its context. Excluded lists the relative paths the user left out: a
// file's path, or a folder's path ending in "/".
type ConversationSource struct {
	ConversationID int64    `json:"conversation_id"`
	Source         Source   `json:"source"`
	Excluded       []string `json:"excluded"`
	UpdatedAt      int64    `json:"updated_at"`
}

// SetConversationSource makes source the conversation's context, replacing
// any earlier one, with the given exclusions.
func (db *DB) SetConversationSource(ctx context.Context, conversationID, sourceID int64, excluded []string) error {
	if excluded == nil {
		excluded = []string{}
	}
	js, err := json.Marshal(excluded)
	if err != nil {
		return fmt.Errorf("storage: conversation %d: context: %w", conversationID, err)
	}
	_, err = db.sql.ExecContext(ctx, `INSERT INTO conversation_sources (conversation_id, source_id, excluded_json, updated_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (conversation_id) DO UPDATE SET source_id = excluded.source_id,
			excluded_json = excluded.excluded_json, updated_at = excluded.updated_at`,
		conversationID, sourceID, string(js), db.nowMS())
	if err != nil {
		return fmt.Errorf("storage: conversation %d: set context: %w", conversationID, err)
	}
	return nil
}

// GetConversationSource returns the conversation's context, or ErrNotFound
// when it has none.
func (db *DB) GetConversationSource(ctx context.Context, conversationID int64) (ConversationSource, error) {
	cs := ConversationSource{ConversationID: conversationID}
	var js string
	err := db.sql.QueryRowContext(ctx, `SELECT cs.excluded_json, cs.updated_at, s.id, s.kind, s.path, s.name,
			s.model_digest, s.total_tokens, s.created_at, s.updated_at
		FROM conversation_sources cs JOIN sources s ON s.id = cs.source_id
		WHERE cs.conversation_id = ?`, conversationID).Scan(&js, &cs.UpdatedAt, &cs.Source.ID, &cs.Source.Kind,
		&cs.Source.Path, &cs.Source.Name, &cs.Source.ModelDigest, &cs.Source.TotalTokens, &cs.Source.CreatedAt, &cs.Source.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return cs, fmt.Errorf("storage: conversation %d: context: %w", conversationID, ErrNotFound)
	}
	if err != nil {
		return cs, fmt.Errorf("storage: conversation %d: context: %w", conversationID, err)
	}
	if err := json.Unmarshal([]byte(js), &cs.Excluded); err != nil {
		return cs, fmt.Errorf("storage: conversation %d: context: excluded paths: %w", conversationID, err)
	}
	return cs, nil
}

// ClearConversationSource removes the conversation's context; the source
// and its file rows stay for other conversations.
func (db *DB) ClearConversationSource(ctx context.Context, conversationID int64) error {
	if _, err := db.sql.ExecContext(ctx, "DELETE FROM conversation_sources WHERE conversation_id = ?", conversationID); err != nil {
		return fmt.Errorf("storage: conversation %d: clear context: %w", conversationID, err)
	}
	return nil
}
