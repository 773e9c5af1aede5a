package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// PutKVPage stores one page; see PutKVPages.
func (db *DB) PutKVPage(ctx context.Context, p KVPage) error {
	return db.PutKVPages(ctx, []KVPage{p})
}

// PutKVPages stores pages in one durable transaction, each replacing any
// page with the same model digest and prefix hash (of two in pages with
// the same key, the later stays), then evicts least-recently-used pages
// if the total is over the KV budget setting. Either every page is stored
// or none is. Storage computes the checksums here. The budget is checked
// once per call, so the disk may exceed it by one batch until then.
func (db *DB) PutKVPages(ctx context.Context, pages []KVPage) error {
	if len(pages) == 0 {
		return nil
	}
	type row struct {
		tokens []byte
		sum    [8]byte
	}
	rows := make([]row, len(pages))
	for i := range pages {
		p := &pages[i]
		if p.ModelDigest == "" || p.Encoding == "" || p.Index < 0 {
			return fmt.Errorf("storage: put KV page %d: model digest and encoding are required and index must be >= 0", p.Index)
		}
		rows[i].tokens = encodeTokens(p.Tokens)
		rows[i].sum = kvChecksum(p.ModelDigest, p.PrefixHash, p.Index, p.Encoding, rows[i].tokens, p.Data)
	}
	now := db.nowMS()
	var failed *KVPage
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		del, err := tx.PrepareContext(ctx, "DELETE FROM kv_pages WHERE model_digest = ? AND prefix_hash = ?")
		if err != nil {
			return err
		}
		defer del.Close()
		meta, err := tx.PrepareContext(ctx, `INSERT INTO kv_pages (model_digest, prefix_hash, page_index,
			encoding, token_count, size_bytes, checksum, created_at, last_used_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer meta.Close()
		data, err := tx.PrepareContext(ctx, "INSERT INTO kv_page_data (page_id, tokens, data) VALUES (?, ?, ?)")
		if err != nil {
			return err
		}
		defer data.Close()
		for i := range pages {
			p, r := &pages[i], &rows[i]
			failed = p
			if _, err := del.ExecContext(ctx, p.ModelDigest, p.PrefixHash[:]); err != nil {
				return err
			}
			res, err := meta.ExecContext(ctx, p.ModelDigest, p.PrefixHash[:], p.Index, p.Encoding,
				len(p.Tokens), p.size(), r.sum[:], now, now)
			if err != nil {
				return err
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			if _, err := data.ExecContext(ctx, id, r.tokens, p.Data); err != nil {
				return err
			}
		}
		failed = nil
		return nil
	})
	if err != nil {
		if failed != nil {
			return fmt.Errorf("storage: put KV page %d (model %s): %w", failed.Index, failed.ModelDigest, err)
		}
		return fmt.Errorf("storage: put %d KV pages: %w", len(pages), err)
	}
	usage, err := db.KVUsage(ctx)
	if err != nil {
		return err
	}
	if usage.Bytes > usage.Budget {
		if _, err := db.EvictKV(ctx, usage.Budget); err != nil {
			return err
		}
	}
	return nil
}
