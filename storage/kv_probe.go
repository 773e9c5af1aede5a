package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// CountKVPrefix returns how many of prefixHashes, from the first on, have a
// page stored for the model, reading only page metadata (no data, no
// checksum). It is a cheap forecast of what LongestKVPrefix will restore,
// which can come out shorter if a page then fails verification.
func (db *DB) CountKVPrefix(ctx context.Context, modelDigest string, prefixHashes [][32]byte) (int, error) {
	for i, h := range prefixHashes {
		var index int
		err := db.sql.QueryRowContext(ctx, "SELECT page_index FROM kv_pages WHERE model_digest = ? AND prefix_hash = ?",
			modelDigest, h[:]).Scan(&index)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && index != i) {
			return i, nil
		}
		if err != nil {
			return i, fmt.Errorf("storage: count KV prefix: %w", err)
		}
	}
	return len(prefixHashes), nil
}
