package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// SettingKVBudget is the settings key of the KV snapshot disk budget in
// bytes; DefaultKVBudget applies while it is unset.
const SettingKVBudget = "kv.budget_bytes"

// DefaultKVBudget is the KV snapshot disk budget when none is set: 4 GiB.
const DefaultKVBudget int64 = 4 << 30

// GetSetting decodes the JSON value stored under key into a T, or returns
// def when the key is unset.
func GetSetting[T any](ctx context.Context, db *DB, key string, def T) (T, error) {
	var raw string
	err := db.sql.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	if err != nil {
		return def, fmt.Errorf("storage: setting %q: %w", key, err)
	}
	var v T
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return def, fmt.Errorf("storage: setting %q: %w", key, err)
	}
	return v, nil
}

// SetSetting stores value as JSON under key.
func SetSetting[T any](ctx context.Context, db *DB, key string, value T) error {
	raw, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("storage: setting %q: %w", key, err)
	}
	_, err = db.sql.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, string(raw), db.nowMS())
	if err != nil {
		return fmt.Errorf("storage: setting %q: %w", key, err)
	}
	return nil
}

// DeleteSetting unsets key, so readers get their default again.
func (db *DB) DeleteSetting(ctx context.Context, key string) error {
	if _, err := db.sql.ExecContext(ctx, "DELETE FROM settings WHERE key = ?", key); err != nil {
		return fmt.Errorf("storage: delete setting %q: %w", key, err)
	}
	return nil
}

// AllSettings returns every stored setting as raw JSON, for a settings
// screen or a backup.
func (db *DB) AllSettings(ctx context.Context) (map[string]json.RawMessage, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT key, value FROM settings ORDER BY key")
	if err != nil {
		return nil, fmt.Errorf("storage: settings: %w", err)
	}
	defer rows.Close()
	out := map[string]json.RawMessage{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("storage: settings: %w", err)
		}
		out[k] = json.RawMessage(v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: settings: %w", err)
	}
	return out, nil
}

// KVBudget returns the KV snapshot disk budget in bytes.
func (db *DB) KVBudget(ctx context.Context) (int64, error) {
	return GetSetting(ctx, db, SettingKVBudget, DefaultKVBudget)
}

// SetKVBudget sets the KV snapshot disk budget; it takes effect at the next
// page write or EvictKV call.
func (db *DB) SetKVBudget(ctx context.Context, bytes int64) error {
	if bytes < 0 {
		return fmt.Errorf("storage: KV budget %d is negative", bytes)
	}
	return SetSetting(ctx, db, SettingKVBudget, bytes)
}
