package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// KVEviction reports what EvictKV removed.
type KVEviction struct {
	Pages int64 `json:"pages"`
	Bytes int64 `json:"bytes"`
}

// EvictKV deletes least-recently-used KV pages until the pages' total size
// is at most budgetBytes, then returns the freed file pages to the OS.
// Pages last used within the same minute go deepest first.
func (db *DB) EvictKV(ctx context.Context, budgetBytes int64) (KVEviction, error) {
	var ev KVEviction
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var total int64
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(SUM(size_bytes), 0) FROM kv_pages").Scan(&total); err != nil {
			return err
		}
		if total <= budgetBytes {
			return nil
		}
		// Least recently used first, at the granularity reads refresh it;
		// among pages used in the same interval the deepest go first, so a
		// chain read together shrinks from its tail and keeps its head,
		// without which the rest would be unreachable.
		rows, err := tx.QueryContext(ctx, `SELECT id, size_bytes FROM kv_pages
			ORDER BY last_used_at / ?, page_index DESC, id`, kvTouchGranularity.Milliseconds())
		if err != nil {
			return err
		}
		var victims []int64
		for total-ev.Bytes > budgetBytes && rows.Next() {
			var id, size int64
			if err := rows.Scan(&id, &size); err != nil {
				rows.Close()
				return err
			}
			victims = append(victims, id)
			ev.Bytes += size
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		ev.Pages = int64(len(victims))
		_, err = tx.ExecContext(ctx, "DELETE FROM kv_pages WHERE id IN (SELECT value FROM json_each(?))", int64sJSON(victims))
		return err
	})
	if err != nil {
		return KVEviction{}, fmt.Errorf("storage: evict KV pages to %d bytes: %w", budgetBytes, err)
	}
	if ev.Pages > 0 {
		if err := db.incrementalVacuum(ctx); err != nil {
			return ev, fmt.Errorf("storage: evict KV pages: %w", err)
		}
	}
	return ev, nil
}

// KVUsage reports how many KV pages are stored, their size and the budget.
func (db *DB) KVUsage(ctx context.Context) (KVStats, error) {
	var s KVStats
	if err := db.sql.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM kv_pages").Scan(&s.Pages, &s.Bytes); err != nil {
		return s, fmt.Errorf("storage: KV usage: %w", err)
	}
	budget, err := db.KVBudget(ctx)
	if err != nil {
		return s, err
	}
	s.Budget = budget
	return s, nil
}

// DeleteKVModel deletes every KV page of one model, as when its file is
// removed, and returns how many it deleted.
func (db *DB) DeleteKVModel(ctx context.Context, modelDigest string) (int64, error) {
	res, err := db.sql.ExecContext(ctx, "DELETE FROM kv_pages WHERE model_digest = ?", modelDigest)
	if err != nil {
		return 0, fmt.Errorf("storage: delete KV pages of model %s: %w", modelDigest, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("storage: delete KV pages of model %s: %w", modelDigest, err)
	}
	if n > 0 {
		if err := db.incrementalVacuum(ctx); err != nil {
			return n, fmt.Errorf("storage: delete KV pages of model %s: %w", modelDigest, err)
		}
	}
	return n, nil
}

// incrementalVacuum returns free database pages to the file system. The
// pragma frees one page per step, so its rows must be drained: Exec would
// step it once.
func (db *DB) incrementalVacuum(ctx context.Context) error {
	rows, err := db.sql.QueryContext(ctx, "PRAGMA incremental_vacuum")
	if err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	return nil
}
