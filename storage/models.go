package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ModelRecord is a model file the user has added: where it is and what
// inspecting it found. The file itself is never stored or deleted.
type ModelRecord struct {
	ID            int64
	Path          string
	Name          string
	Architecture  string
	Params        int64
	ActiveParams  int64
	Quantization  string
	ContextLength int
	SizeBytes     int64
	// MtimeMS is the file's modification time when it was inspected and
	// hashed; a different one means the file changed and SHA256 is stale.
	MtimeMS int64
	// SHA256 is the hex digest of the file, empty until hashing finishes.
	SHA256  string
	AddedAt int64
}

const modelColumns = `id, path, name, architecture, params, active_params, quantization,
	context_length, size_bytes, mtime_ms, sha256, added_at`

func scanModel(row interface{ Scan(...any) error }) (ModelRecord, error) {
	var m ModelRecord
	err := row.Scan(&m.ID, &m.Path, &m.Name, &m.Architecture, &m.Params, &m.ActiveParams, &m.Quantization,
		&m.ContextLength, &m.SizeBytes, &m.MtimeMS, &m.SHA256, &m.AddedAt)
	return m, err
}

// PutModel remembers the model at m.Path, or refreshes what is known of
// it when the path is already listed (keeping its id and added time), and
// returns the stored record.
func (db *DB) PutModel(ctx context.Context, m ModelRecord) (ModelRecord, error) {
	_, err := db.sql.ExecContext(ctx, `INSERT INTO models (path, name, architecture, params, active_params,
		quantization, context_length, size_bytes, mtime_ms, sha256, added_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (path) DO UPDATE SET name = excluded.name, architecture = excluded.architecture,
			params = excluded.params, active_params = excluded.active_params,
			quantization = excluded.quantization, context_length = excluded.context_length,
			size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms, sha256 = excluded.sha256`,
		m.Path, m.Name, m.Architecture, m.Params, m.ActiveParams, m.Quantization, m.ContextLength,
		m.SizeBytes, m.MtimeMS, m.SHA256, db.nowMS())
	if err != nil {
		return ModelRecord{}, fmt.Errorf("storage: put model %s: %w", m.Path, err)
	}
	got, err := scanModel(db.sql.QueryRowContext(ctx, "SELECT "+modelColumns+" FROM models WHERE path = ?", m.Path))
	if err != nil {
		return ModelRecord{}, fmt.Errorf("storage: put model %s: %w", m.Path, err)
	}
	return got, nil
}

// GetModel returns the model with the given id.
func (db *DB) GetModel(ctx context.Context, id int64) (ModelRecord, error) {
	m, err := scanModel(db.sql.QueryRowContext(ctx, "SELECT "+modelColumns+" FROM models WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("storage: model %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("storage: model %d: %w", id, err)
	}
	return m, nil
}

// ListModels returns the known models, most recently added first.
func (db *DB) ListModels(ctx context.Context) ([]ModelRecord, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT "+modelColumns+" FROM models ORDER BY added_at DESC, id DESC")
	if err != nil {
		return nil, fmt.Errorf("storage: list models: %w", err)
	}
	defer rows.Close()
	out := []ModelRecord{}
	for rows.Next() {
		m, err := scanModel(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: list models: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: list models: %w", err)
	}
	return out, nil
}

// SetModelSHA256 records the digest of a model file as it was at mtimeMS.
func (db *DB) SetModelSHA256(ctx context.Context, id int64, sha256 string, mtimeMS int64) error {
	res, err := db.sql.ExecContext(ctx, "UPDATE models SET sha256 = ?, mtime_ms = ? WHERE id = ?", sha256, mtimeMS, id)
	return checkAffected(res, err, fmt.Sprintf("model %d: set sha256", id))
}

// DeleteModel forgets a model (the file stays where it is).
func (db *DB) DeleteModel(ctx context.Context, id int64) error {
	res, err := db.sql.ExecContext(ctx, "DELETE FROM models WHERE id = ?", id)
	return checkAffected(res, err, fmt.Sprintf("model %d: delete", id))
}

// DownloadRecord is the saved state of a model download, so that a paused
// or interrupted one can be resumed after a restart.
type DownloadRecord struct {
	ID             string
	URL            string
	Path           string // the final file; the partial data is in Path + ".part"
	ExpectedSHA256 string // "" when the user gave none
	SHA256         string // the digest computed once complete
	ReceivedBytes  int64
	TotalBytes     int64 // 0 when the server did not say
	State          string
	Error          string
	CreatedAt      int64
	UpdatedAt      int64
}

const downloadColumns = `id, url, path, expected_sha256, sha256, received_bytes, total_bytes, state, error,
	created_at, updated_at`

// PutDownload inserts or replaces the saved state of a download.
func (db *DB) PutDownload(ctx context.Context, d DownloadRecord) error {
	now := db.nowMS()
	_, err := db.sql.ExecContext(ctx, `INSERT INTO downloads (`+downloadColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET url = excluded.url, path = excluded.path,
			expected_sha256 = excluded.expected_sha256, sha256 = excluded.sha256,
			received_bytes = excluded.received_bytes, total_bytes = excluded.total_bytes,
			state = excluded.state, error = excluded.error, updated_at = excluded.updated_at`,
		d.ID, d.URL, d.Path, d.ExpectedSHA256, d.SHA256, d.ReceivedBytes, d.TotalBytes, d.State, d.Error, now, now)
	if err != nil {
		return fmt.Errorf("storage: put download %s: %w", d.ID, err)
	}
	return nil
}

// ListDownloads returns every saved download, oldest first.
func (db *DB) ListDownloads(ctx context.Context) ([]DownloadRecord, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT "+downloadColumns+" FROM downloads ORDER BY created_at, id")
	if err != nil {
		return nil, fmt.Errorf("storage: list downloads: %w", err)
	}
	defer rows.Close()
	out := []DownloadRecord{}
	for rows.Next() {
		var d DownloadRecord
		if err := rows.Scan(&d.ID, &d.URL, &d.Path, &d.ExpectedSHA256, &d.SHA256, &d.ReceivedBytes, &d.TotalBytes,
			&d.State, &d.Error, &d.CreatedAt, &d.UpdatedAt); err != nil {
			return nil, fmt.Errorf("storage: list downloads: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: list downloads: %w", err)
	}
	return out, nil
}

// DeleteDownload forgets a download's saved state.
func (db *DB) DeleteDownload(ctx context.Context, id string) error {
	res, err := db.sql.ExecContext(ctx, "DELETE FROM downloads WHERE id = ?", id)
	return checkAffected(res, err, fmt.Sprintf("download %s: delete", id))
}
