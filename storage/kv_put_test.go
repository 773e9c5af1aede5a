package storage

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
)

// TestPutKVPages checks a batch is stored whole, replaces pages by key
// (the later of two with one key wins), and is all-or-nothing.
func TestPutKVPages(t *testing.T) {
	ctx := context.Background()
	hashes, pages := testChain("m", 1, 4, 8, 1000)
	replaced := pages[1]
	replaced.Encoding, replaced.Data = "q8_0", []byte("requantized")
	valid := pages[2]
	valid.PrefixHash = [32]byte{9}
	tests := []struct {
		name    string
		batches [][]KVPage
		wantErr string // of the last batch
		want    []KVPage
		pages   int64
	}{
		{"one batch", [][]KVPage{pages}, "", pages, 4},
		{"empty batch", [][]KVPage{nil}, "", nil, 0},
		{"later page with a key wins", [][]KVPage{{pages[0], pages[1], pages[2], pages[3], replaced}}, "",
			[]KVPage{pages[0], replaced, pages[2], pages[3]}, 4},
		{"batch replaces stored pages", [][]KVPage{pages, {replaced}}, "",
			[]KVPage{pages[0], replaced, pages[2], pages[3]}, 4},
		{"bad page stores none", [][]KVPage{pages[:1], {valid, {ModelDigest: "m", Index: 5}}},
			"encoding are required", pages[:1], 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestDB(t, Options{})
			var err error
			for _, b := range tt.batches {
				err = db.PutKVPages(ctx, b)
			}
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("PutKVPages error = %v, want %q", err, tt.wantErr)
			}
			got, err := db.LongestKVPrefix(ctx, "m", hashes)
			if err != nil || len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
				t.Fatalf("LongestKVPrefix = %d pages, %v; want %d", len(got), err, len(tt.want))
			}
			if u, err := db.KVUsage(ctx); err != nil || u.Pages != tt.pages {
				t.Fatalf("usage = %+v, %v; want %d pages", u, err, tt.pages)
			}
		})
	}
}

// TestPutKVPagesEvictsToBudget checks a batch over the budget leaves the
// store within it, giving up the batch's deepest pages first.
func TestPutKVPagesEvictsToBudget(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	hashes, pages := testChain("m", 1, 6, 8, 1000)
	size := pages[0].size()
	if err := db.SetKVBudget(ctx, 4*size); err != nil {
		t.Fatal(err)
	}
	if err := db.PutKVPages(ctx, pages); err != nil {
		t.Fatal(err)
	}
	if u, err := db.KVUsage(ctx); err != nil || u.Pages != 4 || u.Bytes != 4*size {
		t.Fatalf("usage = %+v, %v; want 4 pages", u, err)
	}
	got, err := db.LongestKVPrefix(ctx, "m", hashes)
	if err != nil || !reflect.DeepEqual(got, pages[:4]) {
		t.Fatalf("LongestKVPrefix = %d pages, %v; want pages 0..3", len(got), err)
	}
}

// TestLongestKVPrefixKeepsEveryPage reads a run of pages large enough to
// span many database pages each in one query and checks every returned
// page holds its own bytes: a driver that reused a row's buffer for the
// next row would show here as earlier pages changing.
func TestLongestKVPrefixKeepsEveryPage(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	hashes, pages := testChain("m", 3, 6, 16, 300_000)
	if err := db.PutKVPages(ctx, pages); err != nil {
		t.Fatal(err)
	}
	got, err := db.LongestKVPrefix(ctx, "m", hashes)
	if err != nil || len(got) != len(pages) {
		t.Fatalf("LongestKVPrefix = %d pages, %v", len(got), err)
	}
	for i := range got {
		if !bytes.Equal(got[i].Data, pages[i].Data) || !reflect.DeepEqual(got[i].Tokens, pages[i].Tokens) {
			t.Errorf("page %d does not hold the bytes stored under its key", i)
		}
	}
}
