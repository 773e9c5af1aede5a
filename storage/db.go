package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	// Build with -tags sqlite_fts5.
	"github.com/mattn/go-sqlite3"
)

// busyTimeout is how long a connection waits for another writer's lock
// before giving up with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// Options configures a DB. The zero value is ready to use.
type Options struct {
	// Now returns the current time; nil means time.Now. Tests pin it.
	Now func() time.Time
	// OnCorruptPage is called for every KV page found corrupt and deleted.
	// It may be nil. It runs synchronously, with no transaction open.
	OnCorruptPage func(*CorruptPageError)
}

// DB is a Hearth database. It is safe for concurrent use.
type DB struct {
	sql  *sql.DB
	path string
	opts Options

	stmtKVLookup *sql.Stmt
}

// Open opens (creating if needed) the database at path and migrates it to
// the latest schema. The parent directory is created with mode 0700.
func Open(path string) (*DB, error) {
	return OpenWith(context.Background(), path, Options{})
}

// OpenDefault opens hearth.db in DataDir.
func OpenDefault() (*DB, error) {
	dir, err := DataDir()
	if err != nil {
		return nil, err
	}
	return Open(filepath.Join(dir, DatabaseFile))
}

// OpenWith is Open with options and a context bounding the migration.
func OpenWith(ctx context.Context, path string, opts Options) (*DB, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	sqldb := sql.OpenDB(connector{dsn: dsn(path)})
	db := &DB{sql: sqldb, path: path, opts: opts}
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	stmt, err := sqldb.PrepareContext(ctx, kvLookupSQL)
	if err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("storage: open %s: prepare: %w", path, err)
	}
	db.stmtKVLookup = stmt
	return db, nil
}

// dsn builds the connection string. Every setting here is per connection,
// so it must be in the DSN for the pool to apply it to each new connection.
//   - WAL lets readers proceed while one writer commits.
//   - synchronous=FULL fsyncs the WAL on every commit: a saved message
//     survives power loss, not only a crash; commits here are infrequent.
//   - _txlock=immediate takes the write lock at BEGIN, so two writing
//     transactions queue on the busy timeout instead of failing with
//     SQLITE_BUSY when one tries to upgrade its read lock.
//   - auto_vacuum=incremental (effective on a new file) lets KV eviction
//     give disk space back.
func dsn(path string) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", fmt.Sprint(busyTimeout.Milliseconds()))
	q.Set("_txlock", "immediate")
	q.Set("_auto_vacuum", "incremental")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// mmapSize is how much of the database file each connection maps into
// memory (SQLite caps it at 2 GiB). Reads of mapped pages skip a read
// syscall and a copy into SQLite's page cache, which matters for KV
// restores: a 1 MiB page is a chain of hundreds of database pages.
const mmapSize = 2 << 30

// connector opens connections with the DSN settings plus those SQLite
// takes only as a pragma on each connection.
type connector struct{ dsn string }

// Connect opens one connection.
func (c connector) Connect(context.Context) (driver.Conn, error) { return c.Driver().Open(c.dsn) }

// Driver returns the SQLite driver with the per-connection pragmas.
func (connector) Driver() driver.Driver {
	return &sqlite3.SQLiteDriver{ConnectHook: func(conn *sqlite3.SQLiteConn) error {
		if _, err := conn.Exec(fmt.Sprintf("PRAGMA mmap_size = %d", mmapSize), nil); err != nil {
			return fmt.Errorf("mmap_size: %w", err)
		}
		return nil
	}}
}

// Close closes the database.
func (db *DB) Close() error {
	db.stmtKVLookup.Close()
	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("storage: close %s: %w", db.path, err)
	}
	return nil
}

// Path returns the database file path.
func (db *DB) Path() string { return db.path }

// IntegrityCheck runs PRAGMA integrity_check and the FTS index check and
// returns an error describing any problem found.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	rows, err := db.sql.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("storage: integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("storage: integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("storage: integrity check: %q", problems)
	}
	if _, err := db.sql.ExecContext(ctx, "INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')"); err != nil {
		return fmt.Errorf("storage: search index check: %w", err)
	}
	return nil
}

// nowMS returns the current time in unix milliseconds.
func (db *DB) nowMS() int64 { return db.opts.Now().UnixMilli() }

// inTx runs fn in a write transaction, committing if it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if beforeCommit != nil {
		beforeCommit()
	}
	return tx.Commit()
}

// beforeCommit, when set, runs in every write transaction after its writes
// and before COMMIT. It is nil in the app; the crash test sets it in its
// writer child to stop there and be killed with a transaction open.
var beforeCommit func()

// nullInt maps 0 (meaning "none" in the public API) to SQL NULL.
func nullInt(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: v != 0} }
