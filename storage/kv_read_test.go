package storage

import (
	"context"
	"database/sql"
	"testing"
)

// TestConnectionsMapTheFile checks every pooled connection, not only the
// first, reads the database through mmap, which KV restores rely on for
// their speed.
func TestConnectionsMapTheFile(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range 3 {
		c, err := db.sql.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var size int64
		if err := c.QueryRowContext(ctx, "PRAGMA mmap_size").Scan(&size); err != nil {
			t.Fatal(err)
		}
		// SQLite caps the size at its compile-time maximum.
		if size <= 0 {
			t.Errorf("connection %d: mmap_size = %d, want the file mapped", i, size)
		}
	}
}
