package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// CountKVPrefix returns how many of prefixHashes, from the first on, have a
// page stored for the model, reading only page metadata (no data, no
// checksum), in one query. It is a cheap forecast of what LongestKVPrefix
// will restore, which can come out shorter if a page then fails
// verification.
func (db *DB) CountKVPrefix(ctx context.Context, modelDigest string, prefixHashes [][32]byte) (int, error) {
	if len(prefixHashes) == 0 {
		return 0, nil
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT j.key, p.page_index FROM json_each(?1) j
		LEFT JOIN kv_pages p ON p.model_digest = ?2 AND p.prefix_hash = unhex(j.value)`,
		hashesJSON(prefixHashes), modelDigest)
	if err != nil {
		return 0, fmt.Errorf("storage: count KV prefix: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var key int
		var index sql.NullInt64
		if err := rows.Scan(&key, &index); err != nil {
			return n, fmt.Errorf("storage: count KV prefix: %w", err)
		}
		if key != n || !index.Valid || index.Int64 != int64(n) {
			break
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("storage: count KV prefix: %w", err)
	}
	return n, nil
}
