package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"hearth/server"
)

// enginesFile holds the remote engines and their API keys: a 0600 file
// in the data directory, outside the conversation database, so that a
// shared or exported database never carries a key.
const enginesFile = "remote-engines.json"

// Engine is a remote OpenAI-compatible endpoint as Settings → Engines and
// the Models panel show it. The API key never goes to the UI.
type Engine struct {
	ID     string   `json:"id"`
	URL    string   `json:"url"`
	Host   string   `json:"host"`
	HasKey bool     `json:"hasKey"`
	Models []string `json:"models"`
	// Error is why the last connection test failed, "" when it worked.
	Error string `json:"error"`
}

// storedEngine is an engine as enginesFile keeps it.
type storedEngine struct {
	ID     string   `json:"id"`
	URL    string   `json:"url"`
	APIKey string   `json:"apiKey,omitempty"`
	Models []string `json:"models"`
}

// engines guards the engines file.
type engines struct {
	mu sync.Mutex
}

func (a *App) enginesPath() (string, error) {
	if a.cfg.DataDir == "" {
		return "", errors.New("Remote engines need a data directory")
	}
	return filepath.Join(a.cfg.DataDir, enginesFile), nil
}

func (a *App) readEngines() ([]storedEngine, error) {
	p, err := a.enginesPath()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("Cannot read %s: %w", p, err)
	}
	var list []storedEngine
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("%s is damaged: %w", p, err)
	}
	return list, nil
}

// writeEngines replaces the file atomically, readable by the user only.
func (a *App) writeEngines(list []storedEngine) error {
	p, err := a.enginesPath()
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("Cannot save remote engines: %w", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("Cannot save remote engines: %w", err)
	}
	return nil
}

func (e storedEngine) remote(model string) *server.Remote {
	return &server.Remote{BaseURL: e.URL, APIKey: e.APIKey, Model: model}
}

func (e storedEngine) view(testErr error) Engine {
	v := Engine{ID: e.ID, URL: e.URL, Host: e.remote("").Host(), HasKey: e.APIKey != "", Models: e.Models}
	if v.Models == nil {
		v.Models = []string{}
	}
	if testErr != nil {
		v.Error = testErr.Error()
	}
	return v
}

// ListEngines returns the remote engines with the models found at their
// last test.
func (a *App) ListEngines() ([]Engine, error) {
	a.engines.mu.Lock()
	defer a.engines.mu.Unlock()
	list, err := a.readEngines()
	if err != nil {
		return nil, err
	}
	out := make([]Engine, 0, len(list))
	for _, e := range list {
		out = append(out, e.view(nil))
	}
	return out, nil
}

// AddEngine tests an OpenAI-compatible endpoint (listing its models) and,
// when it answers, keeps it; apiKey may be "". An error says what failed
// (unreachable, key refused, not an OpenAI API…) and nothing is kept.
func (a *App) AddEngine(url, apiKey string) (Engine, error) {
	base, err := server.NormalizeBaseURL(url)
	if err != nil {
		return Engine{}, err
	}
	e := storedEngine{URL: base, APIKey: apiKey}
	ids, err := e.remote("").ListModels(context.Background())
	if err != nil {
		return Engine{}, err
	}
	e.Models = ids
	var b [6]byte
	_, _ = rand.Read(b[:])
	e.ID = hex.EncodeToString(b[:])
	a.engines.mu.Lock()
	defer a.engines.mu.Unlock()
	list, err := a.readEngines()
	if err != nil {
		return Engine{}, err
	}
	if i := slices.IndexFunc(list, func(o storedEngine) bool { return o.URL == base }); i >= 0 {
		e.ID = list[i].ID
		list[i] = e
	} else {
		list = append(list, e)
	}
	if err := a.writeEngines(list); err != nil {
		return Engine{}, err
	}
	return e.view(nil), nil
}

// TestEngine connects to a kept engine again and refreshes its models;
// the returned Engine's error says why the test failed.
func (a *App) TestEngine(id string) (Engine, error) {
	a.engines.mu.Lock()
	defer a.engines.mu.Unlock()
	list, err := a.readEngines()
	if err != nil {
		return Engine{}, err
	}
	i := slices.IndexFunc(list, func(o storedEngine) bool { return o.ID == id })
	if i < 0 {
		return Engine{}, fmt.Errorf("No remote engine %s", id)
	}
	ids, err := list[i].remote("").ListModels(context.Background())
	if err != nil {
		return list[i].view(err), nil
	}
	list[i].Models = ids
	if err := a.writeEngines(list); err != nil {
		return Engine{}, err
	}
	return list[i].view(nil), nil
}

// RemoveEngine forgets a remote engine and its key.
func (a *App) RemoveEngine(id string) error {
	a.engines.mu.Lock()
	defer a.engines.mu.Unlock()
	list, err := a.readEngines()
	if err != nil {
		return err
	}
	list = slices.DeleteFunc(list, func(o storedEngine) bool { return o.ID == id })
	return a.writeEngines(list)
}

// UseRemoteModel makes a remote engine's model the one chats use, in place
// of any loaded local model (which is unloaded). Conversations, branches,
// history and search work as with a local model; prompts go over the
// network.
func (a *App) UseRemoteModel(engineID, model string) error {
	a.engines.mu.Lock()
	list, err := a.readEngines()
	a.engines.mu.Unlock()
	if err != nil {
		return err
	}
	i := slices.IndexFunc(list, func(o storedEngine) bool { return o.ID == engineID })
	if i < 0 {
		return fmt.Errorf("No remote engine %s", engineID)
	}
	if model == "" {
		return errors.New("Choose one of the engine's models")
	}
	if a.generating() {
		return errors.New("Stop the reply being generated before switching models")
	}
	a.mu.Lock()
	if a.loading {
		a.mu.Unlock()
		return errors.New("A model is loading")
	}
	a.mu.Unlock()
	a.stopAndWait()
	a.unload()
	r := list[i].remote(model)
	a.mu.Lock()
	a.model = &loadedModel{name: model, remoteHost: r.Host(), gen: r}
	a.mu.Unlock()
	a.events.Emit(EventModelStatus, a.Status())
	return nil
}
