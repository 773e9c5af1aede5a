package app

import (
	"context"
	"errors"
	"fmt"

	"hearth/storage"
)

// The lookups below turn storage's "not found" into sentences for the UI,
// which shows error messages as they are.

func getConversation(ctx context.Context, db *storage.DB, id int64) (storage.Conversation, error) {
	c, err := db.GetConversation(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return c, fmt.Errorf("Conversation %d does not exist", id)
	}
	return c, err
}

// getLiveConversation is getConversation refusing one in the trash, for
// changes such as sending a message.
func getLiveConversation(ctx context.Context, db *storage.DB, id int64) (storage.Conversation, error) {
	c, err := getConversation(ctx, db, id)
	if err == nil && c.DeletedAt != 0 {
		return c, fmt.Errorf("Conversation %q is in the trash: restore it first", c.Title)
	}
	return c, err
}

func getMessage(ctx context.Context, db *storage.DB, id int64) (storage.Message, error) {
	m, err := db.GetMessage(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return m, fmt.Errorf("Message %d does not exist", id)
	}
	return m, err
}

func getModel(ctx context.Context, db *storage.DB, id int64) (storage.ModelRecord, error) {
	m, err := db.GetModel(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return m, fmt.Errorf("Model %d is not in the model list", id)
	}
	return m, err
}
