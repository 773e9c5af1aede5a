package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"hearth/engine"
	"hearth/storage"
)

// ModelInfo is a known model as the model manager lists it.
type ModelInfo struct {
	ID            int64   `json:"id"`
	Path          string  `json:"path"`
	Name          string  `json:"name"`
	Architecture  string  `json:"architecture"`
	Params        int64   `json:"params"`
	ActiveParams  int64   `json:"activeParams"`
	Quantization  string  `json:"quantization"`
	ContextLength int     `json:"contextLength"`
	SizeBytes     int64   `json:"sizeBytes"`
	SHA256        string  `json:"sha256"`       // "" while hashing
	HashProgress  float64 `json:"hashProgress"` // 0..1
	AddedAt       int64   `json:"addedAt"`      // unix ms
	Error         string  `json:"error,omitempty"`
}

// ListModels returns the known models, most recently added first.
func (a *App) ListModels() ([]ModelInfo, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	recs, err := db.ListModels(context.Background())
	if err != nil {
		return nil, err
	}
	out := make([]ModelInfo, 0, len(recs))
	for _, r := range recs {
		out = append(out, a.modelInfo(r))
	}
	return out, nil
}

func (a *App) modelInfo(r storage.ModelRecord) ModelInfo {
	mi := ModelInfo{
		ID: r.ID, Path: r.Path, Name: r.Name, Architecture: r.Architecture, Params: r.Params,
		ActiveParams: r.ActiveParams, Quantization: r.Quantization, ContextLength: r.ContextLength,
		SizeBytes: r.SizeBytes, SHA256: r.SHA256, AddedAt: r.AddedAt,
	}
	if r.SHA256 != "" {
		mi.HashProgress = 1
	} else {
		a.mu.Lock()
		mi.HashProgress = a.hashing[r.ID]
		a.mu.Unlock()
	}
	if _, err := os.Stat(r.Path); err != nil {
		mi.Error = "The model file is missing: " + r.Path
	}
	return mi
}

// AddModel inspects the GGUF file at path, remembers it and starts
// computing its sha256 in the background ("model:hash" events).
func (a *App) AddModel(path string) (ModelInfo, error) {
	db, err := a.store()
	if err != nil {
		return ModelInfo{}, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return ModelInfo{}, fmt.Errorf("Cannot add %s: %w", path, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return ModelInfo{}, fmt.Errorf("Cannot add %s: %w", abs, err)
	}
	if !fi.Mode().IsRegular() {
		return ModelInfo{}, fmt.Errorf("Cannot add %s: it is not a file", abs)
	}
	info, err := engine.Inspect(abs, 0)
	if err != nil {
		return ModelInfo{}, fmt.Errorf("%s is not a model Hearth can run: %w", filepath.Base(abs), err)
	}
	size, err := partsSize(modelParts(abs))
	if err != nil {
		return ModelInfo{}, fmt.Errorf("Cannot add %s: %w", abs, err)
	}
	rec := storage.ModelRecord{
		Path: abs, Name: info.Name, Architecture: info.Arch, Params: info.TotalParams,
		ActiveParams: info.ActiveParams, Quantization: quantization(info.Types),
		ContextLength: info.Config.ContextTrain, SizeBytes: size, MtimeMS: fi.ModTime().UnixMilli(),
	}
	if rec.Name == "" {
		rec.Name = strings.TrimSuffix(filepath.Base(abs), filepath.Ext(abs))
	}
	ctx := context.Background()
	if old, ok := a.modelByPath(ctx, abs); ok && old.SizeBytes == rec.SizeBytes && old.MtimeMS == rec.MtimeMS {
		rec.SHA256 = old.SHA256 // the same file: its digest still holds
	}
	stored, err := db.PutModel(ctx, rec)
	if err != nil {
		return ModelInfo{}, err
	}
	if stored.SHA256 == "" {
		a.startHashing(stored)
	}
	return a.modelInfo(stored), nil
}

func (a *App) modelByPath(ctx context.Context, path string) (storage.ModelRecord, bool) {
	recs, err := a.db.ListModels(ctx)
	if err != nil {
		return storage.ModelRecord{}, false
	}
	for _, r := range recs {
		if r.Path == path {
			return r, true
		}
	}
	return storage.ModelRecord{}, false
}

// RemoveModel forgets a model; the file is left where it is. The loaded
// model cannot be removed.
func (a *App) RemoveModel(id int64) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	a.mu.Lock()
	loaded := a.model != nil && a.model.id == id
	a.mu.Unlock()
	if loaded {
		return errors.New("Unload the model before removing it")
	}
	return db.DeleteModel(context.Background(), id)
}

// quantization sums up a file's tensor types by bytes, e.g.
// "Q4_K 86%, Q6_K 14%"; types under 1% (norms) are left out.
func quantization(types []engine.TypeUsage) string {
	var total int64
	for _, t := range types {
		total += t.Bytes
	}
	if total == 0 {
		return ""
	}
	var parts []string
	for _, t := range types { // Inspect sorts them by bytes, largest first
		pct := float64(t.Bytes) * 100 / float64(total)
		if pct >= 99.5 {
			return t.Type
		}
		if pct >= 1 {
			parts = append(parts, fmt.Sprintf("%s %.0f%%", t.Type, pct))
		}
	}
	return strings.Join(parts, ", ")
}

// resumeHashing restarts hashing for models whose digest is unknown or
// whose file changed since it was hashed.
func (a *App) resumeHashing(ctx context.Context) error {
	recs, err := a.db.ListModels(ctx)
	if err != nil {
		return err
	}
	for _, r := range recs {
		fi, err := os.Stat(r.Path)
		if err != nil {
			continue
		}
		if r.SHA256 == "" || fi.ModTime().UnixMilli() != r.MtimeMS {
			a.startHashing(r)
		}
	}
	return nil
}

// startHashing computes the model file's sha256 in the background,
// emitting "model:hash" as it goes, and stores it.
func (a *App) startHashing(r storage.ModelRecord) {
	a.mu.Lock()
	if _, busy := a.hashing[r.ID]; busy {
		a.mu.Unlock()
		return
	}
	a.hashing[r.ID] = 0
	a.mu.Unlock()
	a.bg.Add(1)
	go func() {
		defer a.bg.Done()
		sum, fi, err := a.hashFile(a.bgCtx, r.ID, r.Path)
		a.mu.Lock()
		delete(a.hashing, r.ID)
		a.mu.Unlock()
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				a.logf("hearth: hash %s: %v", r.Path, err)
			}
			return
		}
		if err := a.db.SetModelSHA256(context.Background(), r.ID, sum, fi.ModTime().UnixMilli()); err != nil {
			a.logf("hearth: %v", err)
			return
		}
		if err := a.cache.RememberDigest(context.Background(), r.Path, fi, sum); err != nil {
			a.logf("hearth: %v", err)
		}
		a.events.Emit(EventModelHash, ModelHashEvent{ModelID: r.ID, Fraction: 1, SHA256: sum})
	}()
}

// hashFile returns the hex sha256 of the file and the file's state before
// it was read, reporting progress.
func (a *App) hashFile(ctx context.Context, id int64, path string) (string, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", nil, err
	}
	h := sha256.New()
	th := throttle{every: progressEventEvery}
	err = copyWithProgress(ctx, h, f, func(done int64) {
		frac := fraction(done, fi.Size())
		a.mu.Lock()
		a.hashing[id] = frac
		a.mu.Unlock()
		if th.ready(false) {
			a.events.Emit(EventModelHash, ModelHashEvent{ModelID: id, Fraction: frac})
		}
	})
	if err != nil {
		return "", nil, err
	}
	return hex.EncodeToString(h.Sum(nil)), fi, nil
}

// copyWithProgress copies src to dst in 1 MiB steps, calling progress with
// the bytes copied so far after each and stopping when ctx ends.
func copyWithProgress(ctx context.Context, dst io.Writer, src io.Reader, progress func(int64)) error {
	buf := make([]byte, 1<<20)
	var done int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return werr
			}
			done += int64(n)
			progress(done)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func fraction(done, total int64) float64 {
	if total <= 0 {
		return 0
	}
	return min(float64(done)/float64(total), 1)
}
