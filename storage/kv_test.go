package storage

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"reflect"
	"testing"
	"time"
)

// testChain returns n prefix hashes for a token sequence and the pages
// that go with them, each pageTokens long with data of dataBytes.
func testChain(model string, seed, n, pageTokens, dataBytes int) ([][32]byte, []KVPage) {
	var hashes [][32]byte
	var pages []KVPage
	h := sha256.New()
	for i := range n {
		tokens := make([]int32, pageTokens)
		var buf [4]byte
		for j := range tokens {
			tokens[j] = int32(seed*1_000_000 + i*pageTokens + j)
			binary.LittleEndian.PutUint32(buf[:], uint32(tokens[j]))
			h.Write(buf[:])
		}
		var prefix [32]byte
		h.Sum(prefix[:0])
		data := make([]byte, dataBytes)
		for j := range data {
			data[j] = byte(seed + i*7 + j*13)
		}
		hashes = append(hashes, prefix)
		pages = append(pages, KVPage{ModelDigest: model, PrefixHash: prefix, Index: i, Tokens: tokens, Encoding: "f16", Data: data})
	}
	return hashes, pages
}

func putAll(t testing.TB, db *DB, pages []KVPage) {
	t.Helper()
	for _, p := range pages {
		if err := db.PutKVPage(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLongestKVPrefix(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	hashes, pages := testChain("model-a", 1, 5, 8, 100)
	putAll(t, db, pages[:3])
	putAll(t, db, pages[4:]) // page 3 missing: page 4 is unreachable for now

	otherHashes, _ := testChain("model-a", 2, 2, 8, 100)
	tests := []struct {
		name   string
		model  string
		hashes [][32]byte
		want   int
	}{
		{"full stored run", "model-a", hashes, 3},
		{"shorter request", "model-a", hashes[:2], 2},
		{"no request", "model-a", nil, 0},
		{"other model", "model-b", hashes, 0},
		{"diverging sequence", "model-a", otherHashes, 0},
		{"diverges after page 1", "model-a", append(hashes[:2:2], otherHashes[1]), 2},
	}
	for _, tt := range tests {
		got, err := db.LongestKVPrefix(ctx, tt.model, tt.hashes)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !reflect.DeepEqual(got, pages[:tt.want]) && !(tt.want == 0 && len(got) == 0) {
			t.Fatalf("%s: got %d pages, want pages 0..%d", tt.name, len(got), tt.want-1)
		}
	}
	putAll(t, db, pages[3:4])
	got, err := db.LongestKVPrefix(ctx, "model-a", hashes)
	if err != nil || !reflect.DeepEqual(got, pages) {
		t.Fatalf("after filling the gap: %d pages, %v; want all 5", len(got), err)
	}

	// Putting the same key again replaces the page.
	replaced := pages[0]
	replaced.Encoding, replaced.Data = "q8_0", []byte("requantized")
	putAll(t, db, []KVPage{replaced})
	got, err = db.LongestKVPrefix(ctx, "model-a", hashes[:1])
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], replaced) {
		t.Fatalf("replaced page = %+v, %v", got, err)
	}
	if u, err := db.KVUsage(ctx); err != nil || u.Pages != 5 || u.Budget != DefaultKVBudget {
		t.Fatalf("usage = %+v, %v", u, err)
	}
	if n, err := db.DeleteKVModel(ctx, "model-a"); err != nil || n != 5 {
		t.Fatalf("DeleteKVModel = %d, %v", n, err)
	}
	if u, err := db.KVUsage(ctx); err != nil || u.Pages != 0 || u.Bytes != 0 {
		t.Fatalf("usage after delete = %+v, %v", u, err)
	}
}

func TestPutKVPageRejectsBadInput(t *testing.T) {
	db := openTestDB(t, Options{})
	for _, p := range []KVPage{
		{Encoding: "f16", Data: []byte{1}},
		{ModelDigest: "m", Data: []byte{1}},
		{ModelDigest: "m", Encoding: "f16", Index: -1},
	} {
		if err := db.PutKVPage(context.Background(), p); err == nil {
			t.Errorf("PutKVPage(%+v) succeeded", p)
		}
	}
}

// TestKVCorruptionDetected damages stored pages directly through SQL in
// each way that matters and checks the page is detected, deleted, reported
// and never returned, while the pages before it still are.
func TestKVCorruptionDetected(t *testing.T) {
	tests := []struct {
		name   string
		damage string // SQL run with the victim's page id as its one argument
		model  string // model the lookup asks for; the damage may move the page there
		reason string
	}{
		{"flipped data byte", "", "model-a", "checksum mismatch"},
		{"flipped token", "UPDATE kv_page_data SET tokens = zeroblob(length(tokens)) WHERE page_id = ?", "model-a", "checksum mismatch"},
		{"relabelled encoding", "UPDATE kv_pages SET encoding = 'q8_0' WHERE id = ?", "model-a", "checksum mismatch"},
		{"moved to another model", "UPDATE kv_pages SET model_digest = 'model-b' WHERE id = ?", "model-b", "checksum mismatch"},
		{"wrong chain position", "UPDATE kv_pages SET page_index = 7 WHERE id = ?", "model-a", "stored as page 7 of its chain"},
		{"token count", "UPDATE kv_pages SET token_count = token_count + 1 WHERE id = ?", "model-a", "36 token bytes for 10 tokens"},
		{"data row lost", "DELETE FROM kv_page_data WHERE page_id = ?", "model-a", "page data missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			var reported []*CorruptPageError
			db := openTestDB(t, Options{OnCorruptPage: func(e *CorruptPageError) { reported = append(reported, e) }})
			hashes, pages := testChain("model-a", 3, 4, 9, 4096)
			if tt.model != "model-a" {
				// The lookup will start at page 0 of model-b, so damage page 0.
				putAll(t, db, pages)
				hashes, pages = hashes[:1], pages[:0]
			} else {
				putAll(t, db, pages)
				pages = pages[:2]
			}
			victim := len(pages)
			var id int64
			if err := db.sql.QueryRow("SELECT id FROM kv_pages WHERE prefix_hash = ?", hashes[victim][:]).Scan(&id); err != nil {
				t.Fatal(err)
			}
			if tt.damage == "" {
				flipDataByte(t, db, id, 1234)
			} else if _, err := db.sql.Exec(tt.damage, id); err != nil {
				t.Fatal(err)
			}

			got, err := db.LongestKVPrefix(ctx, tt.model, hashes)
			var cpe *CorruptPageError
			if !errors.Is(err, ErrCorruptPage) || !errors.As(err, &cpe) {
				t.Fatalf("err = %v, want a CorruptPageError", err)
			}
			if cpe.Index != victim || cpe.Reason != tt.reason || cpe.ModelDigest != tt.model || cpe.PrefixHash != hashes[victim] {
				t.Fatalf("error = %+v, want index %d reason %q", cpe, victim, tt.reason)
			}
			if !reflect.DeepEqual(got, pages) && !(len(got) == 0 && len(pages) == 0) {
				t.Fatalf("returned %d pages, want the %d before the corrupt one", len(got), len(pages))
			}
			if len(reported) != 1 || reported[0] != cpe {
				t.Fatalf("hook saw %v, want the returned error once", reported)
			}
			var left int
			if err := db.sql.QueryRow("SELECT COUNT(*) FROM kv_pages WHERE id = ?", id).Scan(&left); err != nil || left != 0 {
				t.Fatalf("corrupt page still stored (%d rows, %v)", left, err)
			}
			// Now it is simply missing: same prefix, no error, nothing reported.
			again, err := db.LongestKVPrefix(ctx, tt.model, hashes)
			if err != nil || len(again) != len(pages) || len(reported) != 1 {
				t.Fatalf("second lookup: %d pages, %v, %d reports", len(again), err, len(reported))
			}
			if err := db.IntegrityCheck(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// flipDataByte inverts one byte of a stored page's data, through SQL.
func flipDataByte(t *testing.T, db *DB, pageID int64, offset int) {
	t.Helper()
	var data []byte
	if err := db.sql.QueryRow("SELECT data FROM kv_page_data WHERE page_id = ?", pageID).Scan(&data); err != nil {
		t.Fatal(err)
	}
	data[offset] ^= 0xff
	if _, err := db.sql.Exec("UPDATE kv_page_data SET data = ? WHERE page_id = ?", data, pageID); err != nil {
		t.Fatal(err)
	}
}

func TestKVEvictionLRU(t *testing.T) {
	ctx := context.Background()
	// Steps longer than kvTouchGranularity, so every read counts as use.
	db := openTestDB(t, Options{Now: newTestClock(2 * kvTouchGranularity).Now})
	const pageData, pageTokens = 1000, 25 // 1100 bytes a page
	hashes, pages := testChain("m", 4, 6, pageTokens, pageData)
	putAll(t, db, pages)
	u, err := db.KVUsage(ctx)
	if err != nil || u.Pages != 6 || u.Bytes != 6*1100 {
		t.Fatalf("usage = %+v, %v", u, err)
	}
	// Reading pages 0..1 makes them the most recently used.
	if got, err := db.LongestKVPrefix(ctx, "m", hashes[:2]); err != nil || len(got) != 2 {
		t.Fatalf("read: %d, %v", len(got), err)
	}
	ev, err := db.EvictKV(ctx, 3*1100+50)
	if err != nil || ev != (KVEviction{Pages: 3, Bytes: 3 * 1100}) {
		t.Fatalf("EvictKV = %+v, %v", ev, err)
	}
	left := map[int]bool{}
	for i, h := range hashes {
		var n int
		if err := db.sql.QueryRow("SELECT COUNT(*) FROM kv_pages WHERE prefix_hash = ?", h[:]).Scan(&n); err != nil {
			t.Fatal(err)
		}
		left[i] = n == 1
	}
	if want := map[int]bool{0: true, 1: true, 2: false, 3: false, 4: false, 5: true}; !reflect.DeepEqual(left, want) {
		t.Fatalf("pages left %v, want %v (least recently used go first)", left, want)
	}
	if ev, err := db.EvictKV(ctx, 1<<40); err != nil || ev != (KVEviction{}) {
		t.Fatalf("EvictKV under budget = %+v, %v", ev, err)
	}

	// Writing enforces the budget setting.
	if err := db.SetKVBudget(ctx, 4*1100); err != nil {
		t.Fatal(err)
	}
	_, more := testChain("m", 5, 4, pageTokens, pageData)
	putAll(t, db, more)
	if u, err := db.KVUsage(ctx); err != nil || u.Bytes > 4*1100 || u.Pages != 4 || u.Budget != 4*1100 {
		t.Fatalf("usage after writes over budget = %+v, %v", u, err)
	}
	got, err := db.LongestKVPrefix(ctx, "m", hashesOf(more))
	if err != nil || len(got) != 4 {
		t.Fatalf("newest chain: %d pages, %v; want all 4 kept", len(got), err)
	}
}

// TestKVEvictionKeepsChainHeads checks that pages of a chain used
// together are evicted from the tail, so what is left is still a usable
// prefix.
func TestKVEvictionKeepsChainHeads(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	hashes, pages := testChain("m", 8, 5, 4, 100)
	putAll(t, db, pages)
	if _, err := db.EvictKV(ctx, 3*116); err != nil {
		t.Fatal(err)
	}
	got, err := db.LongestKVPrefix(ctx, "m", hashes)
	if err != nil || len(got) != 3 {
		t.Fatalf("after evicting 2 of 5 pages: a prefix of %d pages, %v; want 3", len(got), err)
	}
}

func hashesOf(pages []KVPage) [][32]byte {
	out := make([][32]byte, len(pages))
	for i, p := range pages {
		out[i] = p.PrefixHash
	}
	return out
}

func TestEvictionShrinksFile(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	_, pages := testChain("m", 6, 8, 16, 1<<20)
	putAll(t, db, pages)
	pageCount := func() int64 {
		var n int64
		if err := db.sql.QueryRow("PRAGMA page_count").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := pageCount()
	if _, err := db.EvictKV(ctx, 0); err != nil {
		t.Fatal(err)
	}
	after := pageCount()
	if after*4 > before {
		t.Fatalf("database pages %d -> %d after evicting 8 MiB; want the space given back", before, after)
	}
	t.Logf("database pages %d -> %d", before, after)
}

// TestKVReadRefreshesLastUsed checks the touch granularity: reads within
// kvTouchGranularity of the last refresh leave last_used_at alone.
func TestKVReadRefreshesLastUsed(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock(time.Second)
	db := openTestDB(t, Options{Now: clock.Now})
	hashes, pages := testChain("m", 7, 1, 4, 16)
	putAll(t, db, pages)
	lastUsed := func() int64 {
		var v int64
		if err := db.sql.QueryRow("SELECT last_used_at FROM kv_pages").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	written := lastUsed()
	if _, err := db.LongestKVPrefix(ctx, "m", hashes); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); got != written {
		t.Fatalf("read seconds after the write moved last_used_at %d -> %d", written, got)
	}
	clock.mu.Lock()
	clock.now = clock.now.Add(kvTouchGranularity)
	clock.mu.Unlock()
	if _, err := db.LongestKVPrefix(ctx, "m", hashes); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); got <= written+kvTouchGranularity.Milliseconds() {
		t.Fatalf("read a minute later left last_used_at at %d (written %d)", got, written)
	}
}
