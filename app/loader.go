package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"hearth/app/chatgen"
	"hearth/engine"
	"hearth/engine/backend"
	"hearth/engine/chat"
	"hearth/engine/kv"
	"hearth/engine/tokenizer"
	"hearth/storage"
)

// MemoryEstimate is what a model needs at a context length and what the
// machine has.
type MemoryEstimate struct {
	ContextLen     int   `json:"contextLen"`
	WeightBytes    int64 `json:"weightBytes"`
	KVBytes        int64 `json:"kvBytes"`
	ScratchBytes   int64 `json:"scratchBytes"`
	TotalBytes     int64 `json:"totalBytes"`
	AvailableBytes int64 `json:"availableBytes"`
	Fits           bool  `json:"fits"`
}

// loadedModel is the model in memory and the one chat session on it,
// which holds the KV cache of the conversation branch last run.
type loadedModel struct {
	id     int64
	name   string
	path   string
	m      *engine.Model
	s      *engine.Session
	tok    *tokenizer.Tokenizer
	format chat.Format
	stops  []int32
	// digest keys the model's KV snapshot pages; "" leaves the snapshot
	// cache unused, and snapshotsOff then says why (for the UI).
	digest       string
	snapshotsOff string
	// gen generates on the model: chatgen over m and s for a local model,
	// a remote engine's client for a remote one (m, s and tok are then nil).
	gen chatgen.Generator
	// remoteHost is the remote engine's host:port, "" for a local model.
	remoteHost string
}

// MemoryEstimate returns the memory the model needs at contextLen tokens
// (0: the context the settings give) with the configured KV cache type.
func (a *App) MemoryEstimate(id int64, contextLen int) (MemoryEstimate, error) {
	db, err := a.store()
	if err != nil {
		return MemoryEstimate{}, err
	}
	ctx := context.Background()
	rec, err := getModel(ctx, db, id)
	if err != nil {
		return MemoryEstimate{}, err
	}
	set, err := loadSettings(ctx, db, a.cfg.DataDir)
	if err != nil {
		return MemoryEstimate{}, err
	}
	if contextLen <= 0 {
		contextLen = set.ContextLength
	}
	kt, err := kv.ParseType(set.KVType)
	if err != nil {
		return MemoryEstimate{}, err
	}
	return a.estimate(rec, contextLen, kt)
}

// contextFor is the context a model is loaded with: the requested one, or
// (0) its trained context up to autoContext.
func contextFor(rec storage.ModelRecord, requested int) int {
	if requested > 0 {
		return requested
	}
	if rec.ContextLength > 0 {
		return min(rec.ContextLength, autoContext)
	}
	return autoContext
}

func (a *App) estimate(rec storage.ModelRecord, contextLen int, kt kv.Type) (MemoryEstimate, error) {
	contextLen = contextFor(rec, contextLen)
	info, err := engine.Inspect(rec.Path, contextLen)
	if err != nil {
		return MemoryEstimate{}, fmt.Errorf("Cannot read %s: %w", rec.Path, err)
	}
	kvBytes := info.KV.Total() // Inspect reports an f16 cache
	if kt == kv.F32 {
		kvBytes *= 2
	}
	e := MemoryEstimate{
		ContextLen: contextLen, WeightBytes: info.WeightBytes, KVBytes: kvBytes, ScratchBytes: info.ScratchBytes,
		TotalBytes: info.WeightBytes + kvBytes + info.ScratchBytes, AvailableBytes: a.memoryBudget(),
	}
	e.Fits = e.TotalBytes <= e.AvailableBytes
	return e, nil
}

// memoryBudget is the configured budget or the machine's available memory
// plus the KV cache of the loaded model, which is freed before another
// loads (its weights are a file mapping, which the kernel already counts
// as reclaimable).
func (a *App) memoryBudget() int64 {
	if a.cfg.MemoryBudget > 0 {
		return a.cfg.MemoryBudget
	}
	avail := engine.AvailableMemory()
	a.mu.Lock()
	if a.model != nil && a.model.s != nil {
		avail += a.model.s.KVReport().Total()
	}
	a.mu.Unlock()
	return avail
}

// gib formats bytes for people.
func gib(b int64) string {
	if b < 1<<30 {
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
}

// LoadModel loads a known model in the background, reporting "model:load"
// progress and then "model:status". It refuses at once, with the numbers,
// a model that will not fit in memory at the configured context.
func (a *App) LoadModel(id int64) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	ctx := context.Background()
	rec, err := getModel(ctx, db, id)
	if err != nil {
		return err
	}
	set, err := loadSettings(ctx, db, a.cfg.DataDir)
	if err != nil {
		return err
	}
	kt, err := kv.ParseType(set.KVType)
	if err != nil {
		return err
	}
	if a.generating() {
		return errors.New("Stop the reply being generated before loading another model")
	}
	est, err := a.estimate(rec, set.ContextLength, kt)
	if err != nil {
		// The file changed since it was added (cut short, replaced): the
		// card leaves its loading state and shows why, as for any failure.
		a.events.Emit(EventModelLoad, ModelLoadEvent{ModelID: id, Stage: "failed", Error: err.Error()})
		return err
	}
	if !est.Fits {
		err := fmt.Errorf("%s does not fit in memory: it needs %s at a context of %d tokens (weights %s + KV cache %s + scratch %s) but only %s is available. Choose a shorter context in Settings or a smaller model.",
			rec.Name, gib(est.TotalBytes), est.ContextLen, gib(est.WeightBytes), gib(est.KVBytes), gib(est.ScratchBytes), gib(est.AvailableBytes))
		a.events.Emit(EventModelLoad, ModelLoadEvent{ModelID: id, Stage: "failed", Error: err.Error()})
		return err
	}
	a.mu.Lock()
	if a.loading {
		a.mu.Unlock()
		return errors.New("A model is already loading")
	}
	a.loading = true
	a.mu.Unlock()
	a.stopAndWait()
	a.unload()
	a.bg.Add(1)
	go func() {
		defer a.bg.Done()
		lm, err := a.load(rec, set, est.ContextLen, kt)
		a.mu.Lock()
		a.loading = false
		if err == nil {
			a.model = lm
		}
		a.mu.Unlock()
		if err != nil {
			a.events.Emit(EventModelLoad, ModelLoadEvent{ModelID: id, Stage: "failed", Error: err.Error()})
		} else {
			a.rememberLastModel(id)
			a.events.Emit(EventModelLoad, ModelLoadEvent{ModelID: id, Stage: "ready", Fraction: 1})
		}
		a.events.Emit(EventModelStatus, a.Status())
	}()
	return nil
}

// load maps the model, finds its KV snapshot key and opens its chat session.
func (a *App) load(rec storage.ModelRecord, set Settings, contextLen int, kt kv.Type) (*loadedModel, error) {
	stage := func(name string, f float64) {
		a.events.Emit(EventModelLoad, ModelLoadEvent{ModelID: rec.ID, Stage: name, Fraction: f})
	}
	stage("mapping", 0)
	m, err := engine.Load(rec.Path, engine.LoadOptions{
		Threads: set.Threads, MemoryBudget: a.memoryBudget(), ContextLen: contextLen, KVType: kt,
		Backend: backend.Kind(set.Backend),
	})
	if err != nil {
		return nil, fmt.Errorf("Cannot load %s: %w", rec.Name, err)
	}
	lm := &loadedModel{id: rec.ID, name: rec.Name, path: rec.Path, m: m}
	fail := func(err error) (*loadedModel, error) {
		m.Close()
		return nil, fmt.Errorf("Cannot load %s: %w", rec.Name, err)
	}
	stage("checking", 0.3)
	if lm.tok, err = tokenizer.FromGGUF(m.File()); err != nil {
		return fail(err)
	}
	if lm.format, err = chat.Detect(m.File()); err != nil {
		return fail(err)
	}
	lm.stops = lm.format.StopTokens(lm.tok)
	// The snapshot key hashes the file once (then remembers it); without
	// one, chat still works, it only recomputes every prompt.
	if lm.digest, err = a.cache.ModelDigest(a.bgCtx, rec.Path, "kv="+kt.String()); err != nil {
		a.logf("hearth: KV snapshots off for %s: %v", rec.Path, err)
		lm.digest, lm.snapshotsOff = "", err.Error()
	}
	stage("warming", 0.4)
	if err := a.warm(rec, func(f float64) { stage("warming", 0.4+0.5*f) }); err != nil {
		return fail(err)
	}
	if lm.s, err = m.NewSession(engine.SessionOptions{KVType: kt}); err != nil {
		return fail(err)
	}
	if lm.gen, err = chatgen.New(chatgen.Config{
		Name: rec.Name, Model: m, Session: lm.s, Tokenizer: lm.tok, Format: lm.format, Stops: lm.stops,
		Cache: a.cache, Digest: lm.digest, Logf: a.logf,
		SnapshotSaved: func(err error) { a.noteSnapshotSave(lm, err) },
	}); err != nil {
		return fail(err)
	}
	return lm, nil
}

// warm reads the model's files through once, so that their pages are in
// memory before the first prompt (which would otherwise wait on the disk
// with no progress to show), reporting the fraction read.
func (a *App) warm(rec storage.ModelRecord, progress func(float64)) error {
	parts := modelParts(rec.Path)
	total, err := partsSize(parts)
	if err != nil {
		return err
	}
	th := throttle{every: progressEventEvery}
	var before int64
	for _, p := range parts {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		err = copyWithProgress(a.bgCtx, io.Discard, f, func(n int64) {
			if th.ready(false) {
				progress(fraction(before+n, total))
			}
		})
		f.Close()
		if err != nil {
			return err
		}
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		before += fi.Size()
	}
	return nil
}

// UnloadModel stops any reply being generated and frees the model.
func (a *App) UnloadModel() error {
	a.stopAndWait()
	a.unload()
	a.events.Emit(EventModelStatus, a.Status())
	return nil
}

// unload frees the loaded model, if any. No generation may be running.
func (a *App) unload() {
	a.mu.Lock()
	lm := a.model
	a.model = nil
	a.mu.Unlock()
	if lm != nil && lm.m != nil {
		if err := lm.m.Close(); err != nil {
			a.logf("hearth: unload %s: %v", lm.path, err)
		}
	}
}

// loaded returns the loaded model or a message saying there is none.
func (a *App) loaded() (*loadedModel, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.model == nil {
		return nil, errors.New("No model is loaded: load one in Models first")
	}
	return a.model, nil
}
