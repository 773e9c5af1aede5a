package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"hearth/app/kvcache"
	"hearth/engine"
	"hearth/engine/chat"
	"hearth/engine/kv"
	"hearth/storage"
)

// cacheOptions are `hearth run`'s KV snapshot flags.
type cacheOptions struct {
	off        bool
	pageTokens int
	q8         bool
}

func (co *cacheOptions) register(fs *flag.FlagSet) {
	fs.BoolVar(&co.off, "no-cache", false, "neither restore nor save KV snapshots (kept in hearth.db in the data directory; HEARTH_DATA_DIR overrides it)")
	fs.IntVar(&co.pageTokens, "cache-page", kvcache.DefaultPageTokens, "positions per KV snapshot page")
	fs.BoolVar(&co.q8, "cache-q8", false, "store KV snapshot pages as q8_0: about half the disk of f16, answers may change slightly")
}

// openCache attaches the snapshot cache in the default database to c and
// returns what closes it. The key mixes into the model file's digest
// everything that changes the cache's contents: the cache type, the math
// mode and the metadata overrides (chunk size among them), so runs that
// differ in those never share pages.
func (c *chatSession) openCache(ctx context.Context, co cacheOptions, mf modelFlags, kt kv.Type, mmproj string, stderr io.Writer) (func(), error) {
	db, err := storage.OpenDefault()
	if err != nil {
		return nil, err
	}
	opts := kvcache.Options{
		PageTokens: co.pageTokens,
		Logf:       func(format string, args ...any) { fmt.Fprintf(stderr, "["+format+"]\n", args...) },
	}
	if co.q8 {
		opts.Encoding = engine.PageQ8_0
	}
	cache := kvcache.NewWith(db, opts)
	extra := []string{"kv=" + kt.String()}
	if mf.reference {
		extra = append(extra, "math=reference")
	}
	for _, o := range mf.overrides {
		extra = append(extra, "override="+o)
	}
	if c.digest, err = cache.ModelDigest(ctx, mf.model, extra...); err != nil {
		db.Close()
		return nil, err
	}
	if mmproj != "" {
		if c.projDigest, err = cache.ModelDigest(ctx, mmproj, "order=transformers"); err != nil {
			db.Close()
			return nil, err
		}
	}
	c.cache = cache
	return func() { db.Close() }, nil
}

// contentIDs names what fills each image position of p, for the snapshot
// keys: the projector and the image file. It is nil for a prompt without
// images.
func (c *chatSession) contentIDs(p chat.Prompt) [][32]byte {
	if len(p.ImagePositions) == 0 {
		return nil
	}
	ids := make([][32]byte, len(p.IDs))
	at := 0
	for _, img := range c.images {
		id := kvcache.ImageContentID(c.projDigest, img.img.Hash)
		for range img.grid.ImageTokens() {
			if at < len(p.ImagePositions) {
				ids[p.ImagePositions[at]] = id
				at++
			}
		}
	}
	return ids
}
