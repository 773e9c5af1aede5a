package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// frozenVersions returns 1..SchemaVersion(), failing the test when any
// version lacks its frozen schema or data file in testdata/.
func frozenVersions(t *testing.T) []int {
	t.Helper()
	n := SchemaVersion()
	if n < 1 {
		t.Fatal("no migrations embedded")
	}
	var vs []int
	for v := 1; v <= n; v++ {
		for _, f := range []string{fmt.Sprintf("schema_v%d.sql", v), fmt.Sprintf("data_v%d.sql", v)} {
			if _, err := os.Stat(filepath.Join("testdata", f)); err != nil {
				t.Fatalf("schema version %d has no frozen testdata/%s: %v", v, f, err)
			}
		}
		vs = append(vs, v)
	}
	return vs
}

// createFrozen builds a database file at schema version v from the frozen
// SQL alone (no migration code), filled with that version's data.
func createFrozen(t *testing.T, path string, v int) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, f := range []string{fmt.Sprintf("schema_v%d.sql", v), fmt.Sprintf("data_v%d.sql", v)} {
		body, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	if _, err := raw.Exec(fmt.Sprintf("PRAGMA user_version = %d", v)); err != nil {
		t.Fatal(err)
	}
}

// TestMigrateFrozenVersions opens a database at every earlier schema
// version (and the current one), holding data, and checks that Open
// migrates it and that the data reads back through today's API.
func TestMigrateFrozenVersions(t *testing.T) {
	for _, v := range frozenVersions(t) {
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "old.db")
			createFrozen(t, path, v)
			var corrupt []*CorruptPageError
			db, err := OpenWith(context.Background(), path, Options{OnCorruptPage: func(e *CorruptPageError) { corrupt = append(corrupt, e) }})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var got int
			if err := db.sql.QueryRow("PRAGMA user_version").Scan(&got); err != nil || got != SchemaVersion() {
				t.Fatalf("user_version %d, %v; want %d", got, err, SchemaVersion())
			}
			if err := db.IntegrityCheck(context.Background()); err != nil {
				t.Fatal(err)
			}
			checkFrozenData(t, db)
			if len(corrupt) != 0 {
				t.Fatalf("frozen KV page reported corrupt: %v", corrupt[0])
			}
		})
	}
}

// checkFrozenData asserts the content every testdata/data_vN.sql holds.
func checkFrozenData(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	convs, err := db.ListConversations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(convs) != 1 {
		t.Fatalf("%d live conversations, want 1", len(convs))
	}
	c := convs[0]
	if c.Title != "Frozen conversation" || !c.Pinned || c.Model != "llama-4-scout-q4" || c.SystemPrompt != "Be brief." ||
		c.Settings.Temperature != 0.7 || c.Settings.TopK != 40 || c.ActiveLeafID != 3 || c.UpdatedAt != 1767300005000 {
		t.Fatalf("conversation = %+v", c)
	}
	trash, err := db.ListDeletedConversations(ctx)
	if err != nil || len(trash) != 1 || trash[0].Title != "Trashed conversation" || trash[0].DeletedAt != 1767300009000 {
		t.Fatalf("trash = %+v, %v", trash, err)
	}
	path, err := db.BranchPath(ctx, c.ActiveLeafID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(messageIDs(path), []int64{1, 3}) || path[1].Content != "Second answer about icebergs" ||
		path[1].Stats != (GenerationStats{Model: "llama-4-scout-q4", PromptTokens: 20, CompletionTokens: 5, CachedTokens: 12, PrefillMS: 31, DecodeMS: 101, StopReason: "eos"}) {
		t.Fatalf("branch path = %+v", path)
	}
	sib, err := db.Siblings(ctx, 3)
	if err != nil || !reflect.DeepEqual(messageIDs(sib), []int64{2, 3}) {
		t.Fatalf("siblings = %v, %v", messageIDs(sib), err)
	}
	atts := path[0].Attachments
	if len(atts) != 2 || atts[0].Kind != AttachmentImage || atts[0].MIME != "image/png" || atts[0].Size != 7 ||
		!atts[0].HasThumbnail || atts[1].Kind != AttachmentFolder || atts[1].SourceID != 1 {
		t.Fatalf("attachments = %+v", atts)
	}
	blob, err := db.GetBlob(ctx, atts[0].BlobSHA256)
	if err != nil || string(blob.Data) != "PNGDATA" || string(blob.Thumbnail) != "THUMB" {
		t.Fatalf("blob = %+v, %v", blob, err)
	}
	hits, err := db.Search(ctx, "glaciers", 10)
	if err != nil || len(hits) != 1 || hits[0].MessageID != 2 {
		t.Fatalf("search = %+v, %v (the trashed conversation must not match)", hits, err)
	}
	files, err := db.ListSourceFiles(ctx, 1)
	if err != nil || len(files) != 2 || files[1].RelPath != "b/c.txt" || files[1].TokenStart != 100 || files[1].TokenEnd != 300 {
		t.Fatalf("source files = %+v, %v", files, err)
	}
	// Version 3 added conversation contexts; older databases have none.
	cs, err := db.GetConversationSource(ctx, c.ID)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil || cs.Source.ID != 1 || !reflect.DeepEqual(cs.Excluded, []string{"b/"}):
		t.Fatalf("conversation context = %+v, %v", cs, err)
	}
	theme, err := GetSetting(ctx, db, "ui.theme", "light")
	if err != nil || theme != "dark" {
		t.Fatalf("theme = %q, %v", theme, err)
	}
	if budget, err := db.KVBudget(ctx); err != nil || budget != 1<<30 {
		t.Fatalf("KV budget = %d, %v", budget, err)
	}
	pages, err := db.LongestKVPrefix(ctx, "sha256:frozenmodel", [][32]byte{sha256.Sum256([]byte("frozen prefix 0"))})
	if err != nil || len(pages) != 1 || !reflect.DeepEqual(pages[0].Tokens, []int32{1, 2, 3}) ||
		string(pages[0].Data) != "\xde\xad\xbe\xef\x00\x11\x22\x33" || pages[0].Encoding != "f16" {
		t.Fatalf("KV pages = %+v, %v", pages, err)
	}
}

// TestFrozenSchemaMatchesMigrations checks that the frozen copy of the
// current version is exactly what the migrations build, so the copy that
// future migration tests start from is faithful.
func TestFrozenSchemaMatchesMigrations(t *testing.T) {
	vs := frozenVersions(t)
	latest := vs[len(vs)-1]
	frozenPath := filepath.Join(t.TempDir(), "frozen.db")
	createFrozen(t, frozenPath, latest)
	migrated := openTestDB(t, Options{})
	frozen, err := sql.Open("sqlite3", "file:"+frozenPath)
	if err != nil {
		t.Fatal(err)
	}
	defer frozen.Close()
	want, got := schemaOf(t, frozen), schemaOf(t, migrated.sql)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("migrations build a schema that differs from testdata/schema_v%d.sql:\n got %q\nwant %q", latest, got, want)
	}
}

func schemaOf(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestOpenRejectsFutureSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "future.db")
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := Open(path); !errors.Is(err, ErrFutureSchema) {
		t.Fatalf("Open = %v, want ErrFutureSchema", err)
	}
}

func TestOpenSetsConnectionPragmas(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := context.Background()
	// Hold several connections at once so pragmas are seen on more than one.
	var conns []*sql.Conn
	for range 3 {
		conn, err := db.sql.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
	}
	for i, conn := range conns {
		var journal string
		var fk, timeout, syncMode, vacuum int
		if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct {
			name string
			dst  *int
		}{{"foreign_keys", &fk}, {"busy_timeout", &timeout}, {"synchronous", &syncMode}, {"auto_vacuum", &vacuum}} {
			if err := conn.QueryRowContext(ctx, "PRAGMA "+p.name).Scan(p.dst); err != nil {
				t.Fatal(err)
			}
		}
		if journal != "wal" || fk != 1 || timeout != int(busyTimeout.Milliseconds()) || syncMode != 2 || vacuum != 2 {
			t.Errorf("conn %d: journal_mode=%s foreign_keys=%d busy_timeout=%d synchronous=%d auto_vacuum=%d",
				i, journal, fk, timeout, syncMode, vacuum)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

func TestReopenKeepsData(t *testing.T) {
	// URI-special characters in the path must reach the file system as is.
	path := filepath.Join(t.TempDir(), "a b?c#d%20e", "hearth.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateConversation(context.Background(), NewConversation{Title: "kept"})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.GetConversation(context.Background(), c.ID)
	if err != nil || got.Title != "kept" {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not at the given path: %v", err)
	}
}
