package storage

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// LongestKVPrefix returns the pages for the longest run prefixHashes[0..k]
// that storage holds for this model, page i under prefixHashes[i]. Every
// page is verified; one that fails (checksum mismatch, wrong index, bad
// token data) is deleted, reported to Options.OnCorruptPage, and ends the
// run as if missing. In that case the valid pages before it are returned
// together with a *CorruptPageError (errors.Is ErrCorruptPage), which a
// caller may log and otherwise ignore. Returned pages count as used for
// LRU eviction.
func (db *DB) LongestKVPrefix(ctx context.Context, modelDigest string, prefixHashes [][32]byte) ([]KVPage, error) {
	pages, ids, corrupt, err := db.readKVRun(ctx, modelDigest, prefixHashes)
	if err != nil {
		return nil, err
	}
	if corrupt != nil {
		if _, err := db.sql.ExecContext(ctx, "DELETE FROM kv_pages WHERE id = ?", corrupt.id); err != nil {
			return nil, fmt.Errorf("storage: delete corrupt KV page %d: %w", corrupt.err.Index, err)
		}
		if db.opts.OnCorruptPage != nil {
			db.opts.OnCorruptPage(corrupt.err)
		}
	}
	if len(ids) > 0 {
		now := db.nowMS()
		if _, err := db.sql.ExecContext(ctx, `UPDATE kv_pages SET last_used_at = ?
			WHERE id IN (SELECT value FROM json_each(?)) AND last_used_at < ?`,
			now, int64sJSON(ids), now-kvTouchGranularity.Milliseconds()); err != nil {
			return nil, fmt.Errorf("storage: touch KV pages: %w", err)
		}
	}
	if corrupt != nil {
		return pages, corrupt.err
	}
	return pages, nil
}

// corruptKVPage is a page that failed verification and its row id.
type corruptKVPage struct {
	id  int64
	err *CorruptPageError
}

// readKVRun reads and verifies the run of pages in one query, so in one
// read transaction and without a round trip per page. The query yields
// rows lazily, so stopping at the first missing or corrupt page reads no
// page data beyond it. Its rows are closed when it returns, before the
// caller writes.
func (db *DB) readKVRun(ctx context.Context, modelDigest string, prefixHashes [][32]byte) ([]KVPage, []int64, *corruptKVPage, error) {
	if len(prefixHashes) == 0 {
		return nil, nil, nil, nil
	}
	rows, err := db.stmtKVLookup.QueryContext(ctx, hashesJSON(prefixHashes), modelDigest)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("storage: read KV pages: %w", err)
	}
	defer rows.Close()
	var (
		pages []KVPage
		ids   []int64
	)
	for rows.Next() {
		i := len(pages)
		var (
			key, storedIndex, tokenCount int
			id                           sql.NullInt64
			hasData                      bool
			p                            = KVPage{ModelDigest: modelDigest, PrefixHash: prefixHashes[i], Index: i}
			checksum, tokens, data       sql.RawBytes
		)
		if err := rows.Scan(&key, &id, &storedIndex, &p.Encoding, &tokenCount, &checksum, &hasData, &tokens, &data); err != nil {
			return nil, nil, nil, fmt.Errorf("storage: read KV page %d: %w", i, err)
		}
		if key != i || !id.Valid {
			// A missing page ends the run; so would rows out of order,
			// which json_each does not produce.
			break
		}
		if reason := verifyKVPage(&p, storedIndex, tokenCount, hasData, checksum, tokens, data); reason != "" {
			return pages, ids, &corruptKVPage{id: id.Int64, err: &CorruptPageError{
				ModelDigest: modelDigest, PrefixHash: p.PrefixHash, Index: i, Reason: reason}}, nil
		}
		// The driver hands each row's blobs over in memory of their own
		// (TestLongestKVPrefixKeepsEveryPage guards this), so the page
		// keeps the bytes it was verified on rather than a copy.
		p.Data = data
		pages = append(pages, p)
		ids = append(ids, id.Int64)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, nil, fmt.Errorf("storage: read KV pages: %w", err)
	}
	return pages, ids, nil, nil
}

// verifyKVPage checks a stored page against its metadata and checksum and
// on success sets its tokens. It returns why the page is unusable, or "".
func verifyKVPage(p *KVPage, storedIndex, tokenCount int, hasData bool, checksum, tokens, data []byte) string {
	switch {
	case !hasData:
		return "page data missing"
	case storedIndex != p.Index:
		return fmt.Sprintf("stored as page %d of its chain", storedIndex)
	case len(tokens) != 4*tokenCount:
		return fmt.Sprintf("%d token bytes for %d tokens", len(tokens), tokenCount)
	}
	if sum := kvChecksum(p.ModelDigest, p.PrefixHash, p.Index, p.Encoding, tokens, data); string(sum[:]) != string(checksum) {
		return "checksum mismatch"
	}
	p.Tokens = decodeTokens(tokens)
	return ""
}

// hashesJSON encodes prefix hashes as a JSON array of hex strings, for
// json_each in kvLookupSQL.
func hashesJSON(hashes [][32]byte) string {
	var sb strings.Builder
	sb.Grow(2 + len(hashes)*67)
	sb.WriteByte('[')
	for i, h := range hashes {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('"')
		sb.WriteString(hex.EncodeToString(h[:]))
		sb.WriteByte('"')
	}
	sb.WriteByte(']')
	return sb.String()
}

// kvTouchGranularity is how stale a page's last-used time may get before a
// read refreshes it. Eviction needs no finer order, and skipping the update
// spares repeated restores a durable commit (an fsync) each.
const kvTouchGranularity = time.Minute

// kvLookupSQL is prepared once per DB. It yields one row per prefix hash,
// in order (json_each drives the left joins), with a NULL id where no page
// is stored; ?1 is hashesJSON, ?2 the model digest.
const kvLookupSQL = `SELECT j.key, p.id, COALESCE(p.page_index, -1), COALESCE(p.encoding, ''),
	COALESCE(p.token_count, 0), COALESCE(p.checksum, X''),
	d.page_id IS NOT NULL, COALESCE(d.tokens, X''), COALESCE(d.data, X'')
	FROM json_each(?1) j
	LEFT JOIN kv_pages p ON p.model_digest = ?2 AND p.prefix_hash = unhex(j.value)
	LEFT JOIN kv_page_data d ON d.page_id = p.id`
