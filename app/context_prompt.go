package app

import (
	"context"
	"fmt"

	"hearth/app/contextdir"
	"hearth/storage"
)

// contextText returns the conversation's context laid out for its system
// message, "" when the conversation has none.
func (a *App) contextText(ctx context.Context, db *storage.DB, conv storage.Conversation) (string, error) {
	if conv.ID == 0 {
		return "", nil
	}
	lc, err := a.liveContextOf(ctx, db, conv.ID)
	if err != nil || lc == nil {
		return "", err
	}
	lc.mu.Lock()
	lay := contextdir.Lay(lc.included(), nil)
	lc.mu.Unlock()
	return contextdir.SystemText(lc.source.Name, lc.source.Kind == storage.SourceDocument, lay, conv.SystemPrompt), nil
}

// refreshContext re-reads the conversation's context just before a
// question, in case a change has not reached the watcher yet; unchanged
// files are not read again. It returns a reason to stop when the folder
// cannot be read at all.
func (a *App) refreshContext(ctx context.Context, db *storage.DB, conversationID int64) error {
	lc, err := a.liveContextOf(ctx, db, conversationID)
	if err != nil || lc == nil {
		return err
	}
	if err := a.rescan(ctx, lc); err != nil {
		lc.setWatchErr(err)
		a.emitContext(lc)
		return fmt.Errorf("The context %s cannot be read: %w", lc.source.Path, err)
	}
	return nil
}

// noteContextRead records that the conversation's context was just read
// into a prompt, so the panel's "changed since read" list starts over.
func (a *App) noteContextRead(conversationID int64) error {
	lc := a.contexts.get(conversationID)
	if lc == nil {
		return nil
	}
	if err := a.recordRead(context.Background(), a.db, lc); err != nil {
		return err
	}
	a.emitContext(lc)
	return nil
}
