package storage_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"hearth/storage"
)

func ExampleDB_Search() {
	dir, _ := os.MkdirTemp("", "hearth-example")
	defer os.RemoveAll(dir)
	db, err := storage.Open(filepath.Join(dir, "hearth.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	ctx := context.Background()
	c, _ := db.CreateConversation(ctx, storage.NewConversation{Title: "Zoo"})
	db.AppendMessage(ctx, storage.NewMessage{ConversationID: c.ID, Role: storage.RoleUser, Content: "How tall is a giraffe?"})

	// User text is never FTS5 syntax: the stray quote is just a character.
	hits, err := db.Search(ctx, `gir"`, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, h := range hits {
		marked := strings.NewReplacer(storage.SnippetStart, "<mark>", storage.SnippetEnd, "</mark>").Replace(h.Snippet)
		fmt.Println(h.Title, marked)
	}
	// Output: Zoo How tall is a <mark>giraffe</mark>?
}

func ExampleDB_LongestKVPrefix() {
	dir, _ := os.MkdirTemp("", "hearth-example")
	defer os.RemoveAll(dir)
	db, err := storage.Open(filepath.Join(dir, "hearth.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	ctx := context.Background()

	// The engine hashes the token prefix through each page; here two pages
	// of a three-page sequence were saved earlier.
	prefixes := [][32]byte{
		sha256.Sum256([]byte("tokens 0-255")),
		sha256.Sum256([]byte("tokens 0-511")),
		sha256.Sum256([]byte("tokens 0-767")),
	}
	for i := range 2 {
		db.PutKVPage(ctx, storage.KVPage{ModelDigest: "sha256:model", PrefixHash: prefixes[i], Index: i,
			Tokens: []int32{int32(i)}, Encoding: "f16", Data: []byte("kv bytes")})
	}
	pages, err := db.LongestKVPrefix(ctx, "sha256:model", prefixes)
	fmt.Println(len(pages), "pages to restore;", err)
	// Output: 2 pages to restore; <nil>
}
