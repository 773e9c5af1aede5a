package storage

import (
	"context"
	"strings"
	"testing"
)

func TestFTSQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"hello", `"hello"*`},
		{"hello world", `"hello" "world"*`},
		{`say "hi"`, `"say" """hi"""*`},
		{"-x a:b", `"-x" "a:b"*`},
		{"* - : ()", ""},
		{"NEAR(a b) OR c", `"NEAR(a" "b)" "OR" "c"*`},
	}
	for _, tt := range tests {
		if got := ftsQuery(tt.in); got != tt.want {
			t.Errorf("ftsQuery(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	pets := mustConversation(t, db, "Pets")
	u := mustAppend(t, db, pets.ID, 0, RoleUser, "Tell me about the giraffe and the zebra at the zoo.")
	a := mustAppend(t, db, pets.ID, u.ID, RoleAssistant, "A giraffe is tall. Naïve café owners say: don't feed it!")
	cooking := mustConversation(t, db, "Cooking")
	mustAppend(t, db, cooking.ID, 0, RoleUser, "How long do I boil an egg? Is -5 minutes a thing? C++ \"quoted\" stuff")
	trashed := mustConversation(t, db, "Trashed")
	mustAppend(t, db, trashed.ID, 0, RoleUser, "giraffe in the trash")
	if err := db.DeleteConversation(ctx, trashed.ID); err != nil {
		t.Fatal(err)
	}

	hits, err := db.Search(ctx, "giraffe", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 {
		t.Fatalf("giraffe: %d hits %+v, want 2 (the trashed conversation excluded)", len(hits), hits)
	}
	for _, h := range hits {
		if h.ConversationID != pets.ID || h.Title != "Pets" {
			t.Errorf("hit %+v", h)
		}
		if !strings.Contains(h.Snippet, SnippetStart+"giraffe"+SnippetEnd) {
			t.Errorf("snippet %q lacks the marked term", h.Snippet)
		}
	}

	tests := []struct {
		query string
		want  []int64
	}{
		{"gira", []int64{u.ID, a.ID}},                   // prefix on the last word
		{"giraffe zebra", []int64{u.ID}},                // every word must match
		{"naive cafe", []int64{a.ID}},                   // diacritics folded
		{"NAÏVE", []int64{a.ID}},                        // case folded
		{"egg", []int64{mustID(t, db, "egg")}},          //
		{"nothing-like-this", nil},                      //
		{`"`, nil}, {`""`, nil}, {`"unterminated`, nil}, // quotes
		{"-5", []int64{mustID(t, db, "egg")}}, // leading minus is not NOT
		{"a:b", nil}, {"content:egg", nil},    // column filter syntax is text
		{"*", nil}, {"egg*", []int64{mustID(t, db, "egg")}},
		{"NOT", nil}, {"AND OR", nil}, {"NEAR(egg boil)", nil},
		{"(", nil}, {")", nil}, {"^egg", []int64{mustID(t, db, "egg")}}, {"{egg}", []int64{mustID(t, db, "egg")}},
		{"C++ stuff", []int64{mustID(t, db, "egg")}}, {`"quoted"`, []int64{mustID(t, db, "egg")}},
		{"'", nil}, {"don't", []int64{a.ID}}, {"\x02", nil},
	}
	for _, tt := range tests {
		hits, err := db.Search(ctx, tt.query, 10)
		if err != nil {
			t.Errorf("Search(%q): %v", tt.query, err)
			continue
		}
		got := map[int64]bool{}
		for _, h := range hits {
			got[h.MessageID] = true
		}
		if len(got) != len(tt.want) {
			t.Errorf("Search(%q) = %+v, want messages %v", tt.query, hits, tt.want)
			continue
		}
		for _, id := range tt.want {
			if !got[id] {
				t.Errorf("Search(%q) = %+v, want messages %v", tt.query, hits, tt.want)
			}
		}
	}
	if hits, err := db.Search(ctx, "giraffe", 1); err != nil || len(hits) != 1 {
		t.Fatalf("limit 1: %d hits, %v", len(hits), err)
	}
}

// mustID returns the id of the one message containing word.
func mustID(t *testing.T, db *DB, word string) int64 {
	t.Helper()
	var id int64
	if err := db.sql.QueryRow("SELECT id FROM messages WHERE content LIKE ?", "%"+word+"%").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
