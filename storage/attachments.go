package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Attachment kinds. Images and files point at a content-addressed blob;
// folders point at a source and hold no bytes.
const (
	AttachmentImage  = "image"
	AttachmentFile   = "file"
	AttachmentFolder = "folder"
)

// AttachmentRef is what a caller attaches to a new message: a blob (by the
// sha256 PutBlob returned) for images and files, a source for folders.
type AttachmentRef struct {
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	BlobSHA256 string `json:"blob_sha256,omitempty"`
	SourceID   int64  `json:"source_id,omitempty"`
}

// Attachment is an attachment as stored, with its blob's type and size.
type Attachment struct {
	AttachmentRef
	ID           int64  `json:"id"`
	MessageID    int64  `json:"message_id"`
	Position     int    `json:"position"`
	MIME         string `json:"mime,omitempty"`
	Size         int64  `json:"size,omitempty"`
	HasThumbnail bool   `json:"has_thumbnail,omitempty"`
}

// Blob is a stored attachment body, keyed by the hex sha256 of Data.
type Blob struct {
	SHA256    string
	MIME      string
	Data      []byte
	Thumbnail []byte
	ThumbMIME string
	CreatedAt int64
}

// PutBlob stores data under its sha256 and returns the hex digest. Storing
// the same bytes again stores nothing new; a thumbnail given then is kept
// only if the blob had none. The app makes thumbnails; storage keeps them.
func (db *DB) PutBlob(ctx context.Context, data []byte, mime string, thumbnail []byte, thumbMIME string) (string, error) {
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	// INSERT OR IGNORE rather than an upsert: an upsert rewrites the whole
	// row, large data included, just to touch the thumbnail.
	res, err := db.sql.ExecContext(ctx, `INSERT OR IGNORE INTO blobs
		(sha256, mime, size, data, thumbnail, thumb_mime, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		digest, mime, len(data), data, thumbnail, thumbMIME, db.nowMS())
	if err != nil {
		return "", fmt.Errorf("storage: put blob %s: %w", digest, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 && thumbnail != nil {
		if _, err := db.sql.ExecContext(ctx, `UPDATE blobs SET thumbnail = ?, thumb_mime = ?
			WHERE sha256 = ? AND thumbnail IS NULL`, thumbnail, thumbMIME, digest); err != nil {
			return "", fmt.Errorf("storage: put blob %s: thumbnail: %w", digest, err)
		}
	}
	return digest, nil
}

// GetBlob returns a stored blob with its thumbnail.
func (db *DB) GetBlob(ctx context.Context, digest string) (Blob, error) {
	b := Blob{SHA256: digest}
	err := db.sql.QueryRowContext(ctx, `SELECT mime, data, thumbnail, thumb_mime, created_at
		FROM blobs WHERE sha256 = ?`, strings.ToLower(digest)).Scan(&b.MIME, &b.Data, &b.Thumbnail, &b.ThumbMIME, &b.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return b, fmt.Errorf("storage: blob %s: %w", digest, ErrNotFound)
	}
	if err != nil {
		return b, fmt.Errorf("storage: blob %s: %w", digest, err)
	}
	return b, nil
}

// GetThumbnail returns a blob's thumbnail and its MIME type; ErrNotFound
// when the blob or its thumbnail is missing.
func (db *DB) GetThumbnail(ctx context.Context, digest string) ([]byte, string, error) {
	var thumb []byte
	var mime string
	err := db.sql.QueryRowContext(ctx, `SELECT thumbnail, thumb_mime FROM blobs
		WHERE sha256 = ? AND thumbnail IS NOT NULL`, strings.ToLower(digest)).Scan(&thumb, &mime)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("storage: thumbnail %s: %w", digest, ErrNotFound)
	}
	if err != nil {
		return nil, "", fmt.Errorf("storage: thumbnail %s: %w", digest, err)
	}
	return thumb, mime, nil
}

// PurgeOrphanBlobs deletes blobs that no attachment references and that
// were stored before the given unix-ms time (the margin protects a blob put
// just before the message that will reference it). It returns the count.
func (db *DB) PurgeOrphanBlobs(ctx context.Context, createdBeforeMS int64) (int, error) {
	res, err := db.sql.ExecContext(ctx, `DELETE FROM blobs WHERE created_at < ?
		AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.blob_sha256 = blobs.sha256)`, createdBeforeMS)
	if err != nil {
		return 0, fmt.Errorf("storage: purge orphan blobs: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("storage: purge orphan blobs: %w", err)
	}
	return int(n), nil
}

// attachTx inserts a message's attachments in order.
func attachTx(ctx context.Context, tx *sql.Tx, messageID int64, refs []AttachmentRef) error {
	for i, r := range refs {
		var blob sql.NullString
		if r.BlobSHA256 != "" {
			blob = sql.NullString{String: strings.ToLower(r.BlobSHA256), Valid: true}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO attachments
			(message_id, position, kind, name, blob_sha256, source_id) VALUES (?, ?, ?, ?, ?, ?)`,
			messageID, i, r.Kind, r.Name, blob, nullInt(r.SourceID)); err != nil {
			return fmt.Errorf("attachment %d (%s %q): %w", i, r.Kind, r.Name, err)
		}
	}
	return nil
}

// fillAttachments loads the attachments of ms in one query.
func (db *DB) fillAttachments(ctx context.Context, ms []Message) error {
	if len(ms) == 0 {
		return nil
	}
	index := make(map[int64]int, len(ms))
	ids := make([]int64, len(ms))
	for i, m := range ms {
		index[m.ID] = i
		ids[i] = m.ID
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT a.id, a.message_id, a.position, a.kind, a.name,
			COALESCE(a.blob_sha256, ''), COALESCE(a.source_id, 0), COALESCE(b.mime, ''),
			COALESCE(b.size, 0), b.thumbnail IS NOT NULL
		FROM attachments a LEFT JOIN blobs b ON b.sha256 = a.blob_sha256
		WHERE a.message_id IN (SELECT value FROM json_each(?))
		ORDER BY a.message_id, a.position`, int64sJSON(ids))
	if err != nil {
		return fmt.Errorf("attachments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.MessageID, &a.Position, &a.Kind, &a.Name, &a.BlobSHA256,
			&a.SourceID, &a.MIME, &a.Size, &a.HasThumbnail); err != nil {
			return fmt.Errorf("attachments: %w", err)
		}
		i := index[a.MessageID]
		ms[i].Attachments = append(ms[i].Attachments, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("attachments: %w", err)
	}
	return nil
}

// int64sJSON renders ids as a JSON array, the one bound parameter through
// which a variable-length IN list reaches SQLite (via json_each).
func int64sJSON(ids []int64) string {
	var sb strings.Builder
	sb.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprint(&sb, id)
	}
	sb.WriteByte(']')
	return sb.String()
}
