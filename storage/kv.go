package storage

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"time"
)

// KVPage is one page of a serialized KV cache: the engine's bytes for a
// run of tokens across all layers, plus those tokens' ids. It is keyed by
// the digest of the model file and the hash of the whole token prefix
// through the end of this page, so equal prefixes share pages across
// conversations. Storage does not interpret Encoding or Data.
type KVPage struct {
	ModelDigest string
	PrefixHash  [32]byte
	// Index is the page's position in its chain: page 0 starts the prefix.
	Index    int
	Tokens   []int32
	Encoding string
	Data     []byte
}

// size is what a page counts against the disk budget.
func (p *KVPage) size() int64 { return int64(len(p.Data)) + 4*int64(len(p.Tokens)) }

// KVStats reports the space KV pages take.
type KVStats struct {
	Pages int64 `json:"pages"`
	// Bytes counts page data and token ids, not SQLite's overhead.
	Bytes  int64 `json:"bytes"`
	Budget int64 `json:"budget"`
}

// kvChecksumDomain starts every checksummed message, so a future layout
// change can be told apart.
const kvChecksumDomain = "hearth kv page v1\x00"

// Two hardware-accelerated CRCs with different polynomials: together they
// miss a random corruption with odds near 2^-64, at 10+ GB/s, where SHA-256
// would cap restores near 1.4 GB/s. They guard against damage, not against
// someone who can write the database file anyway.
var (
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
	ieee       = crc32.IEEETable
)

// kvChecksum covers the key and the metadata as well as the bytes, so a
// page moved under another key or model, or relabelled, fails too.
func kvChecksum(modelDigest string, prefix [32]byte, index int, encoding string, tokens, data []byte) [8]byte {
	c, e := crc32.New(castagnoli), crc32.New(ieee)
	write := func(b []byte) {
		c.Write(b)
		e.Write(b)
	}
	var n [8]byte
	field := func(b []byte) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		write(n[:])
		write(b)
	}
	write([]byte(kvChecksumDomain))
	field([]byte(modelDigest))
	field(prefix[:])
	binary.LittleEndian.PutUint64(n[:], uint64(index))
	write(n[:])
	field([]byte(encoding))
	field(tokens)
	field(data)
	var sum [8]byte
	binary.LittleEndian.PutUint32(sum[:4], c.Sum32())
	binary.LittleEndian.PutUint32(sum[4:], e.Sum32())
	return sum
}

func encodeTokens(tokens []int32) []byte {
	b := make([]byte, 4*len(tokens))
	for i, t := range tokens {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(t))
	}
	return b
}

func decodeTokens(b []byte) []int32 {
	tokens := make([]int32, len(b)/4)
	for i := range tokens {
		tokens[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return tokens
}

// PutKVPage stores a page, replacing any page with the same model digest
// and prefix hash, then evicts least-recently-used pages if the total is
// over the KV budget setting. Storage computes the checksum here.
func (db *DB) PutKVPage(ctx context.Context, p KVPage) error {
	if p.ModelDigest == "" || p.Encoding == "" || p.Index < 0 {
		return fmt.Errorf("storage: put KV page %d: model digest and encoding are required and index must be >= 0", p.Index)
	}
	tokens := encodeTokens(p.Tokens)
	sum := kvChecksum(p.ModelDigest, p.PrefixHash, p.Index, p.Encoding, tokens, p.Data)
	now := db.nowMS()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM kv_pages WHERE model_digest = ? AND prefix_hash = ?",
			p.ModelDigest, p.PrefixHash[:]); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO kv_pages (model_digest, prefix_hash, page_index,
			encoding, token_count, size_bytes, checksum, created_at, last_used_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ModelDigest, p.PrefixHash[:], p.Index, p.Encoding, len(p.Tokens), p.size(), sum[:], now, now)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO kv_page_data (page_id, tokens, data) VALUES (?, ?, ?)", id, tokens, p.Data)
		return err
	})
	if err != nil {
		return fmt.Errorf("storage: put KV page %d (model %s): %w", p.Index, p.ModelDigest, err)
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

// LongestKVPrefix returns the pages for the longest run prefixHashes[0..k]
// that storage holds for this model, page i under prefixHashes[i]. Every
// page is verified; one that fails (checksum mismatch, wrong index, bad
// token data) is deleted, reported to Options.OnCorruptPage, and ends the
// run as if missing. In that case the valid pages before it are returned
// together with a *CorruptPageError (errors.Is ErrCorruptPage), which a
// caller may log and otherwise ignore. Returned pages count as used for
// LRU eviction.
func (db *DB) LongestKVPrefix(ctx context.Context, modelDigest string, prefixHashes [][32]byte) ([]KVPage, error) {
	var pages []KVPage
	var ids []int64
	var corrupt *CorruptPageError
	for i, h := range prefixHashes {
		p, id, reason, err := db.readKVPage(ctx, modelDigest, h, i)
		if errors.Is(err, ErrNotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		if reason != "" {
			corrupt = &CorruptPageError{ModelDigest: modelDigest, PrefixHash: h, Index: i, Reason: reason}
			if _, err := db.sql.ExecContext(ctx, "DELETE FROM kv_pages WHERE id = ?", id); err != nil {
				return nil, fmt.Errorf("storage: delete corrupt KV page %d: %w", i, err)
			}
			if db.opts.OnCorruptPage != nil {
				db.opts.OnCorruptPage(corrupt)
			}
			break
		}
		pages = append(pages, p)
		ids = append(ids, id)
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
		return pages, corrupt
	}
	return pages, nil
}

// readKVPage loads and verifies one page. A page that exists but fails
// verification comes back with its row id and a non-empty reason.
func (db *DB) readKVPage(ctx context.Context, modelDigest string, h [32]byte, index int) (KVPage, int64, string, error) {
	var (
		id               int64
		storedIndex      int
		tokenCount       int
		p                = KVPage{ModelDigest: modelDigest, PrefixHash: h, Index: index}
		checksum, tokens []byte
		hasData          bool
	)
	err := db.stmtKVLookup.QueryRowContext(ctx, modelDigest, h[:]).Scan(
		&id, &storedIndex, &p.Encoding, &tokenCount, &checksum, &hasData, &tokens, &p.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return p, 0, "", ErrNotFound
	}
	if err != nil {
		return p, 0, "", fmt.Errorf("storage: read KV page %d: %w", index, err)
	}
	switch {
	case !hasData:
		return p, id, "page data missing", nil
	case storedIndex != index:
		return p, id, fmt.Sprintf("stored as page %d of its chain", storedIndex), nil
	case len(tokens) != 4*tokenCount:
		return p, id, fmt.Sprintf("%d token bytes for %d tokens", len(tokens), tokenCount), nil
	}
	if sum := kvChecksum(modelDigest, h, index, p.Encoding, tokens, p.Data); string(sum[:]) != string(checksum) {
		return p, id, "checksum mismatch", nil
	}
	p.Tokens = decodeTokens(tokens)
	return p, id, "", nil
}

// kvTouchGranularity is how stale a page's last-used time may get before a
// read refreshes it. Eviction needs no finer order, and skipping the update
// spares repeated restores a durable commit (an fsync) each.
const kvTouchGranularity = time.Minute

// kvLookupSQL is prepared once per DB: it runs once per page on every restore.
const kvLookupSQL = `SELECT p.id, p.page_index, p.encoding, p.token_count, p.checksum,
	d.page_id IS NOT NULL, COALESCE(d.tokens, X''), COALESCE(d.data, X'')
	FROM kv_pages p LEFT JOIN kv_page_data d ON d.page_id = p.id
	WHERE p.model_digest = ? AND p.prefix_hash = ?`
