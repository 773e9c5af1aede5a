package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"hearth/app/contextdir"
	"hearth/storage"

	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// AttachContext makes the folder or document at path the conversation's
// context (replacing any earlier one): its files are read now, watched for
// changes, and laid out at the start of every prompt of the conversation.
func (a *App) AttachContext(conversationID int64, path string) (ContextView, error) {
	db, err := a.store()
	if err != nil {
		return ContextView{}, err
	}
	ctx := context.Background()
	if _, err := getLiveConversation(ctx, db, conversationID); err != nil {
		return ContextView{}, err
	}
	if path == "" {
		return ContextView{}, errors.New("No folder or file was given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return ContextView{}, fmt.Errorf("Cannot use %s: %w", path, err)
	}
	kind, err := contextKind(abs)
	if err != nil {
		return ContextView{}, err
	}
	defer a.contexts.lock(conversationID)()
	a.emitScanProgress(conversationID, abs, 0)
	scan, err := contextdir.Walk(ctx, abs, contextdir.Options{
		MaxFileBytes: a.contextMaxFileBytes(),
		Progress:     func(seen int) { a.emitScanProgress(conversationID, abs, seen) },
	})
	if err != nil {
		return ContextView{}, fmt.Errorf("Cannot read %s: %w", abs, err)
	}
	src, err := db.UpsertSource(ctx, kind, abs, filepath.Base(abs))
	if err != nil {
		return ContextView{}, err
	}
	if err := db.SetConversationSource(ctx, conversationID, src.ID, nil); err != nil {
		return ContextView{}, err
	}
	lc := &liveContext{conversationID: conversationID, source: src, scan: scan,
		recorded: map[string]string{}, tokens: map[string]int{}}
	// What was read now is what the next question will be asked about:
	// nothing is "changed since read" yet.
	if err := a.recordRead(ctx, db, lc); err != nil {
		return ContextView{}, err
	}
	a.watch(lc)
	a.contexts.set(conversationID, lc)
	return a.contextView(lc), nil
}

// PickContextFolder asks for a folder with the native dialog and attaches
// it; an empty ContextView means the user cancelled.
func (a *App) PickContextFolder(conversationID int64) (ContextView, error) {
	if a.ctx == nil {
		return ContextView{}, errNoWindow
	}
	path, err := wailsruntime.OpenDirectoryDialog(a.ctx, wailsruntime.OpenDialogOptions{Title: "Ask about a folder"})
	if err != nil || path == "" {
		return ContextView{}, err
	}
	return a.AttachContext(conversationID, path)
}

// PickContextFile asks for one document with the native dialog and
// attaches it; an empty ContextView means the user cancelled.
func (a *App) PickContextFile(conversationID int64) (ContextView, error) {
	if a.ctx == nil {
		return ContextView{}, errNoWindow
	}
	path, err := wailsruntime.OpenFileDialog(a.ctx, wailsruntime.OpenDialogOptions{Title: "Ask about a document"})
	if err != nil || path == "" {
		return ContextView{}, err
	}
	return a.AttachContext(conversationID, path)
}

// GetContext returns the conversation's context as the panel shows it;
// Attached is false when the conversation has none.
func (a *App) GetContext(conversationID int64) (ContextView, error) {
	db, err := a.store()
	if err != nil {
		return ContextView{}, err
	}
	lc, err := a.liveContextOf(context.Background(), db, conversationID)
	if err != nil || lc == nil {
		return ContextView{ConversationID: conversationID}, err
	}
	return a.contextView(lc), nil
}

// SetContextExcluded leaves the given files or folders (folders end in
// "/") out of the conversation's context, or puts them back.
func (a *App) SetContextExcluded(conversationID int64, paths []string, excluded bool) (ContextView, error) {
	db, err := a.store()
	if err != nil {
		return ContextView{}, err
	}
	ctx := context.Background()
	lc, err := a.liveContextOf(ctx, db, conversationID)
	if err != nil {
		return ContextView{}, err
	}
	if lc == nil {
		return ContextView{}, errors.New("This conversation has no folder or document context")
	}
	lc.mu.Lock()
	next := setExcluded(lc.excluded, paths, excluded)
	lc.mu.Unlock()
	if err := db.SetConversationSource(ctx, conversationID, lc.source.ID, next); err != nil {
		return ContextView{}, err
	}
	lc.mu.Lock()
	lc.excluded = next
	lc.mu.Unlock()
	return a.contextView(lc), nil
}

// RemoveContext detaches the conversation's context; its messages stay.
func (a *App) RemoveContext(conversationID int64) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	defer a.contexts.lock(conversationID)()
	a.dropContext(conversationID)
	return db.ClearConversationSource(context.Background(), conversationID)
}

// recordRead stores the version of each included file as read into the
// conversation now, with its token span in the laid-out context.
func (a *App) recordRead(ctx context.Context, db *storage.DB, lc *liveContext) error {
	lm, _ := a.loaded()
	lc.mu.Lock()
	files := lc.included()
	lay := contextdir.Lay(files, nil)
	counts := a.countFileTokens(lc, lm, files)
	rows := make([]storage.SourceFile, 0, len(lay.Segments))
	byPath := map[string]contextdir.File{}
	for _, f := range files {
		byPath[f.RelPath] = f
	}
	at := 0
	recorded := map[string]string{}
	for _, seg := range lay.Segments {
		f := byPath[seg.RelPath]
		n := counts[f.RelPath]
		rows = append(rows, storage.SourceFile{RelPath: f.RelPath, SHA256: f.SHA256, Size: f.Size,
			MTimeMS: f.ModTime.UnixMilli(), TokenStart: at, TokenEnd: at + n})
		recorded[f.RelPath] = f.SHA256
		at += n
	}
	digest := lc.tokensFor
	lc.mu.Unlock()
	if err := db.ReplaceSourceFiles(ctx, lc.source.ID, digest, rows); err != nil {
		return err
	}
	lc.mu.Lock()
	lc.recorded = recorded
	lc.mu.Unlock()
	return nil
}
