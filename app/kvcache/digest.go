package kvcache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"hearth/storage"
)

// digestSettingPrefix keys a file's remembered sha256 in the settings
// table, followed by the file's absolute path.
const digestSettingPrefix = "model_digest:"

// fileDigest is what the settings table remembers of a hashed file.
type fileDigest struct {
	Size    int64  `json:"size"`
	MtimeNS int64  `json:"mtime_ns"`
	SHA256  string `json:"sha256"`
}

// progressEvery is how often hashing a large file reports progress.
const progressEvery = 2 * time.Second

// ModelDigest returns the key under which sessions of the model file at
// path store their pages: the file's sha256, mixed with extra (everything
// else that changes the KV contents: overrides, cache type, math mode) when
// there is any. The file is hashed once per (absolute path, size,
// modification time) and the result kept in the settings table, since
// reading a 65 GB model on every run is not an option; hashing that takes
// a while reports progress through the log.
func (c *Cache) ModelDigest(ctx context.Context, path string, extra ...string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("kvcache: digest of %s: %w", path, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("kvcache: digest of %s: %w", path, err)
	}
	key := digestSettingPrefix + abs
	known, err := storage.GetSetting(ctx, c.db, key, fileDigest{})
	if err != nil {
		return "", fmt.Errorf("kvcache: digest of %s: %w", path, err)
	}
	sum := known.SHA256
	if known.Size != fi.Size() || known.MtimeNS != fi.ModTime().UnixNano() || sum == "" {
		if sum, err = c.hashFile(ctx, abs, fi.Size()); err != nil {
			return "", err
		}
		rec := fileDigest{Size: fi.Size(), MtimeNS: fi.ModTime().UnixNano(), SHA256: sum}
		if err := storage.SetSetting(ctx, c.db, key, rec); err != nil {
			return "", fmt.Errorf("kvcache: digest of %s: %w", path, err)
		}
	}
	if len(extra) == 0 {
		return sum, nil
	}
	h := sha256.New()
	h.Write([]byte(sum))
	for _, e := range extra {
		h.Write([]byte{0})
		h.Write([]byte(e))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// RememberDigest records sum as the sha256 of the file at path in the state
// fi describes (taken before the file was read), so that ModelDigest does
// not read the file again. The app calls it after hashing a model for its
// model list: a big model is then read once, not twice.
func (c *Cache) RememberDigest(ctx context.Context, path string, fi os.FileInfo, sum string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("kvcache: remember digest of %s: %w", path, err)
	}
	rec := fileDigest{Size: fi.Size(), MtimeNS: fi.ModTime().UnixNano(), SHA256: sum}
	if err := storage.SetSetting(ctx, c.db, digestSettingPrefix+abs, rec); err != nil {
		return fmt.Errorf("kvcache: remember digest of %s: %w", path, err)
	}
	return nil
}

// hashFile returns the hex sha256 of the file at path, logging progress
// every few seconds while it runs.
func (c *Cache) hashFile(ctx context.Context, path string, size int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("kvcache: hash %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	buf := make([]byte, 4<<20)
	start, last := time.Now(), time.Now()
	var done int64
	for {
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("kvcache: hash %s: %w", path, err)
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		done += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("kvcache: hash %s: %w", path, err)
		}
		if time.Since(last) >= progressEvery {
			last = time.Now()
			c.logf("kvcache: hashing %s for the snapshot key (once per file): %.0f%% of %.1f GB, %.1fs",
				filepath.Base(path), 100*float64(done)/float64(max(size, 1)), float64(size)/1e9, time.Since(start).Seconds())
		}
	}
	if d := time.Since(start); d >= progressEvery {
		c.logf("kvcache: hashed %s (%.1f GB) in %.1fs", filepath.Base(path), float64(done)/1e9, d.Seconds())
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
