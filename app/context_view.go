package app

import (
	"context"
	"sort"

	"hearth/app/contextdir"
	"hearth/storage"
)

// Events of folder and document contexts.
const (
	// EventContextChanged carries a ContextView when the watched folder
	// changed on disk (or its watcher failed).
	EventContextChanged = "context:changed"
	// EventContextScan carries a ContextScanEvent while a folder is read.
	EventContextScan = "context:scan"
)

// ContextView is a conversation's context as the context panel shows it.
type ContextView struct {
	ConversationID int64 `json:"conversationId"`
	// Attached is false when the conversation has no context.
	Attached bool   `json:"attached"`
	Kind     string `json:"kind"` // "folder" or "document"
	Path     string `json:"path"`
	Name     string `json:"name"`
	// Files are every file read, by path; Excluded marks those left out.
	Files   []ContextFile `json:"files"`
	Skipped []ContextSkip `json:"skipped"`
	// Changed lists the files that differ on disk from the version last
	// read into the conversation (modified, added or removed).
	Changed []ContextChange `json:"changed"`
	// IncludedFiles and IncludedTokens are what the next prompt carries;
	// AllTokens is every file's tokens, left out or not.
	IncludedFiles  int `json:"includedFiles"`
	IncludedTokens int `json:"includedTokens"`
	AllTokens      int `json:"allTokens"`
	// Estimated is true when no local tokenizer is loaded, so tokens are
	// estimated from the size (4 bytes a token).
	Estimated bool `json:"estimated"`
	// ContextLen is the loaded model's context in the current setting,
	// TrainedContext the longest it was trained for; 0 without a model.
	ContextLen     int `json:"contextLen"`
	TrainedContext int `json:"trainedContext"`
	// Notice says what is wrong with the folder (gone, not watched).
	Notice string `json:"notice"`
}

// ContextFile is one file of a context.
type ContextFile struct {
	Path     string `json:"path"`
	Size     int64  `json:"size"`
	Tokens   int    `json:"tokens"`
	Excluded bool   `json:"excluded"`
}

// ContextSkip is a file or folder that was not read, and why.
type ContextSkip struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// ContextChange is a file that changed since it was last read.
type ContextChange struct {
	Path   string `json:"path"`
	Change string `json:"change"` // "modified", "added" or "removed"
}

// ContextScanEvent is the payload of "context:scan".
type ContextScanEvent struct {
	ConversationID int64  `json:"conversationId"`
	Path           string `json:"path"`
	Seen           int    `json:"seen"`
}

// bytesPerTokenEstimate is used for token counts without a local tokenizer.
const bytesPerTokenEstimate = 4

// contextView builds the panel's view of lc.
func (a *App) contextView(lc *liveContext) ContextView {
	lm, _ := a.loaded()
	lc.mu.Lock()
	defer lc.mu.Unlock()
	v := ContextView{ConversationID: lc.conversationID, Attached: true, Kind: lc.source.Kind,
		Path: lc.source.Path, Name: lc.source.Name, Notice: lc.watchErr,
		Files: []ContextFile{}, Skipped: []ContextSkip{}, Changed: []ContextChange{}}
	if lm != nil && lm.s != nil {
		v.ContextLen = lm.s.ContextLen()
		v.TrainedContext = a.trainedContext(lm)
	}
	v.Estimated = lm == nil || lm.tok == nil
	if lc.scan == nil {
		return v
	}
	counts := a.countFileTokens(lc, lm, lc.scan.Files)
	onDisk := map[string]string{}
	for _, f := range lc.scan.Files {
		n := counts[f.RelPath]
		ex := isExcluded(f.RelPath, lc.excluded)
		v.Files = append(v.Files, ContextFile{Path: f.RelPath, Size: f.Size, Tokens: n, Excluded: ex})
		v.AllTokens += n
		if !ex {
			v.IncludedFiles++
			v.IncludedTokens += n
			onDisk[f.RelPath] = f.SHA256
		}
	}
	for _, s := range lc.scan.Skipped {
		v.Skipped = append(v.Skipped, ContextSkip{Path: s.RelPath, Reason: s.Reason})
	}
	for p, sum := range onDisk {
		switch was, ok := lc.recorded[p]; {
		case !ok:
			v.Changed = append(v.Changed, ContextChange{Path: p, Change: "added"})
		case was != sum:
			v.Changed = append(v.Changed, ContextChange{Path: p, Change: "modified"})
		}
	}
	for p := range lc.recorded {
		if _, ok := onDisk[p]; !ok && !isExcluded(p, lc.excluded) {
			v.Changed = append(v.Changed, ContextChange{Path: p, Change: "removed"})
		}
	}
	sort.Slice(v.Changed, func(i, j int) bool { return v.Changed[i].Path < v.Changed[j].Path })
	return v
}

// countFileTokens returns each file's token count as laid out (its header
// included), with the loaded model's tokenizer or estimated from the size;
// counts are cached by content. lc.mu must be held.
func (a *App) countFileTokens(lc *liveContext, lm *loadedModel, files []contextdir.File) map[string]int {
	key := "estimate"
	if lm != nil && lm.tok != nil {
		key = lm.path
	}
	if lc.tokensFor != key {
		lc.tokens, lc.tokensFor = map[string]int{}, key
	}
	out := make(map[string]int, len(files))
	for _, f := range files {
		id := f.RelPath + "\x00" + f.SHA256
		n, ok := lc.tokens[id]
		if !ok {
			text := contextdir.Lay([]contextdir.File{f}, nil).Text
			if lm != nil && lm.tok != nil {
				n = len(lm.tok.Encode(text, false, false))
			} else {
				n = (len(text) + bytesPerTokenEstimate - 1) / bytesPerTokenEstimate
			}
			lc.tokens[id] = n
		}
		out[f.RelPath] = n
	}
	return out
}

// trainedContext is the loaded model's trained context from its record.
func (a *App) trainedContext(lm *loadedModel) int {
	db, err := a.store()
	if err != nil {
		return 0
	}
	rec, err := getModel(context.Background(), db, lm.id)
	if err != nil {
		return 0
	}
	return rec.ContextLength
}

func (a *App) emitContext(lc *liveContext) {
	a.events.Emit(EventContextChanged, a.contextView(lc))
}

func (a *App) emitScanProgress(conversationID int64, path string, seen int) {
	a.events.Emit(EventContextScan, ContextScanEvent{ConversationID: conversationID, Path: path, Seen: seen})
}

// contextMaxFileBytes is the file-size limit from the settings (0: the
// walker's default).
func (a *App) contextMaxFileBytes() int64 {
	db, err := a.store()
	if err != nil {
		return 0
	}
	n, err := storage.GetSetting(context.Background(), db, settingContextMaxFile, int64(0))
	if err != nil {
		return 0
	}
	return n
}
