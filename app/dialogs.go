package app

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// errNoWindow is returned by the dialog methods outside the desktop window.
var errNoWindow = errors.New("Native dialogs need the desktop window")

// OpenModelDialog asks for a .gguf file and adds it; an empty ModelInfo
// means the user cancelled.
func (a *App) OpenModelDialog() (ModelInfo, error) {
	if a.ctx == nil {
		return ModelInfo{}, errNoWindow
	}
	path, err := wailsruntime.OpenFileDialog(a.ctx, wailsruntime.OpenDialogOptions{
		Title:   "Add a model",
		Filters: []wailsruntime.FileFilter{{DisplayName: "GGUF models (*.gguf)", Pattern: "*.gguf"}},
	})
	if err != nil || path == "" {
		return ModelInfo{}, err
	}
	return a.AddModel(path)
}

// SaveExportDialog exports a conversation ("markdown" or "json") to a file
// the user picks and returns its path ("" if cancelled).
func (a *App) SaveExportDialog(id int64, format string) (string, error) {
	if a.ctx == nil {
		return "", errNoWindow
	}
	content, err := a.ExportConversation(id, format)
	if err != nil {
		return "", err
	}
	view, err := a.GetConversation(id)
	if err != nil {
		return "", err
	}
	ext, kind := ".md", "Markdown (*.md)"
	if format == "json" {
		ext, kind = ".json", "Hearth conversation (*.json)"
	}
	path, err := wailsruntime.SaveFileDialog(a.ctx, wailsruntime.SaveDialogOptions{
		Title:           "Export conversation",
		DefaultFilename: fileSafe(view.Conversation.Title) + ext,
		Filters:         []wailsruntime.FileFilter{{DisplayName: kind, Pattern: "*" + ext}},
	})
	if err != nil || path == "" {
		return "", err
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		return "", fmt.Errorf("Cannot save %s: %w", path, err)
	}
	return path, nil
}

// OpenImportDialog asks for an exported conversation (.json) and imports
// it; 0 means the user cancelled.
func (a *App) OpenImportDialog() (int64, error) {
	if a.ctx == nil {
		return 0, errNoWindow
	}
	path, err := wailsruntime.OpenFileDialog(a.ctx, wailsruntime.OpenDialogOptions{
		Title:   "Import a conversation",
		Filters: []wailsruntime.FileFilter{{DisplayName: "Hearth conversation (*.json)", Pattern: "*.json"}},
	})
	if err != nil || path == "" {
		return 0, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("Cannot read %s: %w", path, err)
	}
	return a.ImportConversationJSON(string(b))
}

var unsafeFileChars = regexp.MustCompile(`[^\p{L}\p{N} ._-]+`)

// fileSafe turns a title into a file name that every OS accepts.
func fileSafe(title string) string {
	s := strings.TrimSpace(unsafeFileChars.ReplaceAllString(title, ""))
	if s == "" {
		return "conversation"
	}
	return s
}
