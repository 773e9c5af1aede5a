package kvcache

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"hearth/engine"
	"hearth/storage"
)

// BenchResult is the time to first token of one context length with its
// whole-page prefix restored from the cache against a full prefill.
type BenchResult struct {
	Context int `json:"context"`
	// FullTTFT is prefill plus the first token's selection without the
	// cache; CachedTTFT the same with the prefix restored.
	FullTTFT   time.Duration `json:"full_ttft_ns"`
	CachedTTFT time.Duration `json:"cached_ttft_ns"`
	// Ratio is FullTTFT / CachedTTFT.
	Ratio float64 `json:"ratio"`
	// Restored positions came from the cache, Prefilled were computed.
	Restored  int `json:"restored"`
	Prefilled int `json:"prefilled"`
	// RestoreBytes of page data were read and restored in RestoreTime.
	// RestoreTime includes recomputing the last position for its logits;
	// ReadTime is the part spent reading and verifying pages in storage.
	RestoreBytes int64         `json:"restore_bytes"`
	RestoreTime  time.Duration `json:"restore_ns"`
	ReadTime     time.Duration `json:"read_ns"`
	RestoreGBps  float64       `json:"restore_gbps"`
	ReadGBps     float64       `json:"read_gbps"`
	// SeqReadGBps is the machine's sequential read speed for comparison
	// (see Bench: the file is in the page cache).
	SeqReadGBps float64 `json:"seq_read_gbps"`
}

// benchSeqReadBytes is the size of the file read to measure sequential
// read speed.
const benchSeqReadBytes = 128 << 20

// Bench measures, for each context length, the time to first token of a
// prompt of that many tokens (pseudo-random ids) with its prefix restored
// from a snapshot against a full prefill, the restore throughput, and the
// sequential read speed of a file as large as the largest restore (at
// least 128 MiB) for comparison. Pages go to a temporary database that is
// removed afterwards. The read speed is of a file just written, so mostly
// from the OS page cache: dropping caches needs root, and a restore of a
// recently saved prefix reads from the page cache too. A table goes to w
// (nil: none).
func Bench(modelPath string, contexts []int, w io.Writer) ([]BenchResult, error) {
	if len(contexts) == 0 {
		return nil, errors.New("kvcache: bench: no context lengths")
	}
	if w == nil {
		w = io.Discard
	}
	dir, err := os.MkdirTemp("", "hearth-kvbench-")
	if err != nil {
		return nil, fmt.Errorf("kvcache: bench: %w", err)
	}
	defer os.RemoveAll(dir)
	m, err := engine.Load(modelPath, engine.LoadOptions{ContextLen: slices.Max(contexts) + 1})
	if err != nil {
		return nil, fmt.Errorf("kvcache: bench: %w", err)
	}
	defer m.Close()
	db, err := storage.Open(filepath.Join(dir, storage.DatabaseFile))
	if err != nil {
		return nil, fmt.Errorf("kvcache: bench: %w", err)
	}
	defer db.Close()
	ctx := context.Background()
	c := New(db, nil)
	digest, err := c.ModelDigest(ctx, modelPath, "bench")
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "KV snapshot restore, %s (%d threads, pages of %d tokens)\n", filepath.Base(modelPath), m.Threads(), c.PageTokens())
	fmt.Fprintf(w, "%8s %10s %12s %12s %8s %12s %12s %12s\n", "context", "restored", "full TTFT", "cached TTFT", "ratio", "restore", "db read", "seq read")
	var results []BenchResult
	var largest int64
	for i, n := range contexts {
		r, err := benchContext(ctx, m, c, digest, n, uint64(i))
		if err != nil {
			return results, err
		}
		largest = max(largest, r.RestoreBytes)
		results = append(results, r)
	}
	seq, err := seqReadGBps(dir, max(largest, benchSeqReadBytes))
	if err != nil {
		return results, err
	}
	for i := range results {
		r := &results[i]
		r.SeqReadGBps = seq
		fmt.Fprintf(w, "%8d %10d %12s %12s %7.0f× %7.2f GB/s %7.2f GB/s %7.2f GB/s\n", r.Context, r.Restored,
			r.FullTTFT.Round(time.Microsecond), r.CachedTTFT.Round(time.Microsecond), r.Ratio, r.RestoreGBps, r.ReadGBps, r.SeqReadGBps)
	}
	fmt.Fprintln(w, "(restore: storage read and checks, engine checks and row copies, and recomputing the last position; db read: the storage part;")
	fmt.Fprintln(w, " seq read: a file just written, so mostly the OS page cache, which cannot be dropped without root)")
	return results, nil
}

// benchContext measures one context length: a full prefill whose pages are
// then saved, and a fresh session prefilled through the cache.
func benchContext(ctx context.Context, m *engine.Model, c *Cache, digest string, n int, seed uint64) (BenchResult, error) {
	r := BenchResult{Context: n}
	rng := mrand.New(mrand.NewPCG(seed, uint64(n)))
	tokens := make([]int32, n)
	for i := range tokens {
		tokens[i] = int32(rng.IntN(m.VocabSize()))
	}
	full, err := m.NewSession(engine.SessionOptions{ContextLen: n + 1})
	if err != nil {
		return r, fmt.Errorf("kvcache: bench: %w", err)
	}
	start := time.Now()
	if err := full.Prefill(tokens); err != nil {
		return r, fmt.Errorf("kvcache: bench: %w", err)
	}
	want := argmaxOf(full.Logits())
	r.FullTTFT = time.Since(start)
	if _, err := c.Save(ctx, full, digest, nil); err != nil {
		return r, err
	}
	full = nil
	cached, err := m.NewSession(engine.SessionOptions{ContextLen: n + 1})
	if err != nil {
		return r, fmt.Errorf("kvcache: bench: %w", err)
	}
	start = time.Now()
	res, err := c.Prefill(ctx, cached, digest, Input{Tokens: tokens})
	if err != nil {
		return r, err
	}
	got := argmaxOf(cached.Logits())
	r.CachedTTFT = time.Since(start)
	if got != want {
		return r, fmt.Errorf("kvcache: bench: %d tokens: the restored session predicts token %d, the full prefill %d", n, got, want)
	}
	r.Ratio = r.FullTTFT.Seconds() / r.CachedTTFT.Seconds()
	r.Restored, r.Prefilled = res.Restored, res.Prefilled
	r.RestoreBytes, r.RestoreTime = res.RestoredBytes, res.RestoreTime
	r.RestoreGBps = float64(res.RestoredBytes) / res.RestoreTime.Seconds() / 1e9
	r.ReadTime = res.ReadTime
	r.ReadGBps = float64(res.RestoredBytes) / res.ReadTime.Seconds() / 1e9
	return r, nil
}

func argmaxOf(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// seqReadGBps writes a file of size bytes in dir and times reading it back
// in large blocks.
func seqReadGBps(dir string, size int64) (float64, error) {
	path := filepath.Join(dir, "seqread.bin")
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("kvcache: bench: %w", err)
	}
	defer os.Remove(path)
	buf := make([]byte, 4<<20)
	rand.Read(buf)
	for left := size; left > 0; left -= int64(len(buf)) {
		if _, err := f.Write(buf[:min(int64(len(buf)), left)]); err != nil {
			f.Close()
			return 0, fmt.Errorf("kvcache: bench: %w", err)
		}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return 0, fmt.Errorf("kvcache: bench: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return 0, fmt.Errorf("kvcache: bench: %w", err)
	}
	start := time.Now()
	n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{f}, buf)
	d := time.Since(start)
	f.Close()
	if err != nil {
		return 0, fmt.Errorf("kvcache: bench: %w", err)
	}
	return float64(n) / d.Seconds() / 1e9, nil
}
