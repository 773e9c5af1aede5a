package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Source kinds.
const (
	SourceFolder   = "folder"
	SourceDocument = "document"
)

// Source is a folder or document the user dropped in. Its files are laid
// out as one token stream; TotalTokens and the files' spans are for the
// tokenizer of the model named by ModelDigest.
type Source struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Path        string `json:"path"`
	Name        string `json:"name"`
	ModelDigest string `json:"model_digest"`
	TotalTokens int    `json:"total_tokens"`
	CreatedAt   int64  `json:"created_at"`
	UpdatedAt   int64  `json:"updated_at"`
}

// SourceFile is one file of a source: where it sat on disk when read
// (RelPath, SHA256, Size, MTimeMS) and the half-open token range
// [TokenStart, TokenEnd) it occupies in the source's token stream.
type SourceFile struct {
	ID         int64  `json:"id"`
	SourceID   int64  `json:"source_id"`
	RelPath    string `json:"rel_path"`
	SHA256     string `json:"sha256"`
	Size       int64  `json:"size"`
	MTimeMS    int64  `json:"mtime_ms"`
	TokenStart int    `json:"token_start"`
	TokenEnd   int    `json:"token_end"`
}

const sourceColumns = "id, kind, path, name, model_digest, total_tokens, created_at, updated_at"

func scanSource(row interface{ Scan(...any) error }) (Source, error) {
	var s Source
	err := row.Scan(&s.ID, &s.Kind, &s.Path, &s.Name, &s.ModelDigest, &s.TotalTokens, &s.CreatedAt, &s.UpdatedAt)
	return s, err
}

// UpsertSource returns the source of this kind at path, creating it if
// needed and updating its name if it exists.
func (db *DB) UpsertSource(ctx context.Context, kind, path, name string) (Source, error) {
	now := db.nowMS()
	s, err := scanSource(db.sql.QueryRowContext(ctx, `INSERT INTO sources (kind, path, name, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (kind, path) DO UPDATE SET name = excluded.name
		RETURNING `+sourceColumns, kind, path, name, now, now))
	if err != nil {
		return s, fmt.Errorf("storage: upsert source %s %q: %w", kind, path, err)
	}
	return s, nil
}

// GetSource returns one source.
func (db *DB) GetSource(ctx context.Context, id int64) (Source, error) {
	s, err := scanSource(db.sql.QueryRowContext(ctx, "SELECT "+sourceColumns+" FROM sources WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("storage: source %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("storage: source %d: %w", id, err)
	}
	return s, nil
}

// ListSources returns every source, most recently updated first.
func (db *DB) ListSources(ctx context.Context) ([]Source, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT "+sourceColumns+" FROM sources ORDER BY updated_at DESC, id DESC")
	if err != nil {
		return nil, fmt.Errorf("storage: list sources: %w", err)
	}
	defer rows.Close()
	out := []Source{}
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: list sources: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: list sources: %w", err)
	}
	return out, nil
}

// DeleteSource deletes a source and its file rows; folder attachments that
// pointed at it keep their name but lose the reference.
func (db *DB) DeleteSource(ctx context.Context, id int64) error {
	res, err := db.sql.ExecContext(ctx, "DELETE FROM sources WHERE id = ?", id)
	return checkAffected(res, err, fmt.Sprintf("source %d: delete", id))
}

// ReplaceSourceFiles replaces a source's file rows in one transaction and
// records the model whose tokenizer produced the spans. TotalTokens becomes
// the largest TokenEnd.
func (db *DB) ReplaceSourceFiles(ctx context.Context, sourceID int64, modelDigest string, files []SourceFile) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM source_files WHERE source_id = ?", sourceID); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO source_files
			(source_id, rel_path, sha256, size, mtime_ms, token_start, token_end) VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		total := 0
		for _, f := range files {
			if f.TokenEnd < f.TokenStart {
				return fmt.Errorf("file %q: token span [%d, %d) is reversed", f.RelPath, f.TokenStart, f.TokenEnd)
			}
			if _, err := ins.ExecContext(ctx, sourceID, f.RelPath, f.SHA256, f.Size, f.MTimeMS, f.TokenStart, f.TokenEnd); err != nil {
				return fmt.Errorf("file %q: %w", f.RelPath, err)
			}
			total = max(total, f.TokenEnd)
		}
		res, err := tx.ExecContext(ctx, `UPDATE sources SET model_digest = ?, total_tokens = ?, updated_at = ?
			WHERE id = ?`, modelDigest, total, db.nowMS(), sourceID)
		return checkAffected(res, err, "update source")
	})
	if err != nil {
		return fmt.Errorf("storage: source %d: replace files: %w", sourceID, err)
	}
	return nil
}

// ListSourceFiles returns a source's files in token-stream order.
func (db *DB) ListSourceFiles(ctx context.Context, sourceID int64) ([]SourceFile, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, source_id, rel_path, sha256, size, mtime_ms,
		token_start, token_end FROM source_files WHERE source_id = ? ORDER BY token_start, rel_path`, sourceID)
	if err != nil {
		return nil, fmt.Errorf("storage: source %d: files: %w", sourceID, err)
	}
	defer rows.Close()
	out := []SourceFile{}
	for rows.Next() {
		var f SourceFile
		if err := rows.Scan(&f.ID, &f.SourceID, &f.RelPath, &f.SHA256, &f.Size, &f.MTimeMS,
			&f.TokenStart, &f.TokenEnd); err != nil {
			return nil, fmt.Errorf("storage: source %d: files: %w", sourceID, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: source %d: files: %w", sourceID, err)
	}
	return out, nil
}
