package app

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"hearth/engine/backend"
	"hearth/engine/kv"
	"hearth/storage"
)

// Settings keys in the storage settings table.
const (
	settingThreads  = "app.threads"
	settingContext  = "app.context_length"
	settingKVType   = "app.kv_type"
	settingTheme    = "ui.theme"
	settingDefaults = "chat.defaults"
	settingBackend  = "app.backend"
	// settingContextMaxFile is the size above which a file of a folder
	// context is skipped.
	settingContextMaxFile = "context.max_file_bytes"
)

// autoContext is the context a model gets when the setting is 0 (auto):
// its trained context, but no more than this, so that a model trained for
// millions of tokens does not reserve memory it will rarely use.
const autoContext = 8192

// Settings are the app-wide preferences.
type Settings struct {
	Threads       int    `json:"threads"`       // 0: one per CPU
	ContextLength int    `json:"contextLength"` // 0: auto (the trained context, at most 8192)
	KVType        string `json:"kvType"`        // "f16" | "f32"
	DataDir       string `json:"dataDir"`       // read-only
	Theme         string `json:"theme"`         // "system" | "light" | "dark"
	// Defaults are the settings new conversations start with.
	Defaults           ConversationSettings `json:"defaults"`
	KVCacheBudgetBytes int64                `json:"kvCacheBudgetBytes"`
	// Backend is the compute backend: "" (automatic), "auto", "cpu", "cuda"
	// or "metal". A GPU that cannot be used leaves the model on the CPU, and
	// Status says why.
	Backend string `json:"backend"`
	// ContextMaxFileBytes is the size above which a file of a dropped
	// folder is left out (listed with the reason); 0 means 1 MiB.
	ContextMaxFileBytes int64 `json:"contextMaxFileBytes"`
}

// defaultConversationSettings are Meta's suggested sampling for Llama 4.
var defaultConversationSettings = ConversationSettings{
	Temperature: 0.6, TopK: 40, TopP: 0.9, MinP: 0.01, RepeatPenalty: 1, MaxTokens: 1024,
}

// GetSettings returns the saved settings, with defaults for what was never set.
func (a *App) GetSettings() (Settings, error) {
	db, err := a.store()
	if err != nil {
		return Settings{}, err
	}
	return loadSettings(context.Background(), db, a.cfg.DataDir)
}

func loadSettings(ctx context.Context, db *storage.DB, dataDir string) (Settings, error) {
	s := Settings{DataDir: dataDir}
	var err error
	if s.Threads, err = storage.GetSetting(ctx, db, settingThreads, 0); err != nil {
		return s, err
	}
	if s.ContextLength, err = storage.GetSetting(ctx, db, settingContext, 0); err != nil {
		return s, err
	}
	if s.KVType, err = storage.GetSetting(ctx, db, settingKVType, "f16"); err != nil {
		return s, err
	}
	if s.Theme, err = storage.GetSetting(ctx, db, settingTheme, "system"); err != nil {
		return s, err
	}
	if s.Defaults, err = storage.GetSetting(ctx, db, settingDefaults, defaultConversationSettings); err != nil {
		return s, err
	}
	if s.KVCacheBudgetBytes, err = db.KVBudget(ctx); err != nil {
		return s, err
	}
	if s.Backend, err = storage.GetSetting(ctx, db, settingBackend, ""); err != nil {
		return s, err
	}
	if s.ContextMaxFileBytes, err = storage.GetSetting(ctx, db, settingContextMaxFile, int64(0)); err != nil {
		return s, err
	}
	return s, nil
}

// SaveSettings validates and stores the settings. Threads, context length
// and KV type take effect at the next model load; the data directory
// cannot be changed here (HEARTH_DATA_DIR sets it).
func (a *App) SaveSettings(s Settings) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	switch {
	case s.Threads < 0 || s.Threads > 4*runtime.NumCPU():
		return fmt.Errorf("Threads must be between 0 (automatic) and %d", 4*runtime.NumCPU())
	case s.ContextLength < 0:
		return errors.New("The context length cannot be negative")
	case s.Theme != "system" && s.Theme != "light" && s.Theme != "dark":
		return fmt.Errorf("Unknown theme %q: choose system, light or dark", s.Theme)
	case s.KVCacheBudgetBytes < 0:
		return errors.New("The KV cache budget cannot be negative")
	case s.ContextMaxFileBytes < 0:
		return errors.New("The largest file size for folder context cannot be negative")
	}
	if _, err := kv.ParseType(s.KVType); err != nil {
		return fmt.Errorf("Unknown KV cache type %q: choose f16 or f32", s.KVType)
	}
	if err := validateConversationSettings(s.Defaults); err != nil {
		return err
	}
	if _, err := backend.ParseKind(s.Backend); err != nil {
		return fmt.Errorf("Unknown backend %q: choose auto, cpu, cuda or metal", s.Backend)
	}
	ctx := context.Background()
	for _, set := range []func() error{
		func() error { return storage.SetSetting(ctx, db, settingThreads, s.Threads) },
		func() error { return storage.SetSetting(ctx, db, settingContext, s.ContextLength) },
		func() error { return storage.SetSetting(ctx, db, settingKVType, s.KVType) },
		func() error { return storage.SetSetting(ctx, db, settingTheme, s.Theme) },
		func() error { return storage.SetSetting(ctx, db, settingDefaults, s.Defaults) },
		func() error { return db.SetKVBudget(ctx, s.KVCacheBudgetBytes) },
		func() error { return storage.SetSetting(ctx, db, settingBackend, s.Backend) },
		func() error { return storage.SetSetting(ctx, db, settingContextMaxFile, s.ContextMaxFileBytes) },
	} {
		if err := set(); err != nil {
			return err
		}
	}
	return nil
}
