package storage

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestSources(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	s1, err := db.UpsertSource(ctx, SourceFolder, "/data/notes", "notes")
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.UpsertSource(ctx, SourceFolder, "/data/notes", "Notes")
	if err != nil || again.ID != s1.ID || again.Name != "Notes" {
		t.Fatalf("upsert of the same path = %+v, %v; want id %d renamed", again, err, s1.ID)
	}
	doc, err := db.UpsertSource(ctx, SourceDocument, "/data/notes", "same path, other kind")
	if err != nil || doc.ID == s1.ID {
		t.Fatalf("document source = %+v, %v", doc, err)
	}
	if _, err := db.UpsertSource(ctx, "drive", "/x", "x"); err == nil {
		t.Fatal("unknown kind accepted")
	}

	files := []SourceFile{
		{RelPath: "b.md", SHA256: "bb", Size: 20, MTimeMS: 2, TokenStart: 120, TokenEnd: 400},
		{RelPath: "a.md", SHA256: "aa", Size: 10, MTimeMS: 1, TokenStart: 0, TokenEnd: 120},
	}
	if err := db.ReplaceSourceFiles(ctx, s1.ID, "digest-1", files); err != nil {
		t.Fatal(err)
	}
	got, err := db.ListSourceFiles(ctx, s1.ID)
	if err != nil || len(got) != 2 || got[0].RelPath != "a.md" || got[1].TokenEnd != 400 || got[1].SourceID != s1.ID {
		t.Fatalf("files = %+v, %v", got, err)
	}
	src, err := db.GetSource(ctx, s1.ID)
	if err != nil || src.TotalTokens != 400 || src.ModelDigest != "digest-1" {
		t.Fatalf("source = %+v, %v", src, err)
	}
	// Replacing drops rows for files that went away.
	if err := db.ReplaceSourceFiles(ctx, s1.ID, "digest-1", files[1:]); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ListSourceFiles(ctx, s1.ID); len(got) != 1 || got[0].RelPath != "a.md" {
		t.Fatalf("after replace: %+v", got)
	}
	bad := []SourceFile{{RelPath: "r", TokenStart: 5, TokenEnd: 4}}
	if err := db.ReplaceSourceFiles(ctx, s1.ID, "digest-1", bad); err == nil {
		t.Fatal("reversed token span accepted")
	}
	if got, _ := db.ListSourceFiles(ctx, s1.ID); len(got) != 1 {
		t.Fatalf("failed replace changed rows: %+v", got)
	}
	if err := db.ReplaceSourceFiles(ctx, 999, "d", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("replace files of a missing source: %v", err)
	}

	c := mustConversation(t, db, "c")
	m, err := db.AppendMessage(ctx, NewMessage{ConversationID: c.ID, Role: RoleUser,
		Attachments: []AttachmentRef{{Kind: AttachmentFolder, Name: "notes", SourceID: s1.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	list, err := db.ListSources(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListSources = %+v, %v", list, err)
	}
	if err := db.DeleteSource(ctx, s1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetSource(ctx, s1.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted source: %v", err)
	}
	after, err := db.GetMessage(ctx, m.ID)
	want := AttachmentRef{Kind: AttachmentFolder, Name: "notes"}
	if err != nil || len(after.Attachments) != 1 || !reflect.DeepEqual(after.Attachments[0].AttachmentRef, want) {
		t.Fatalf("folder attachment after source deletion = %+v, %v", after.Attachments, err)
	}
	if err := db.DeleteSource(ctx, s1.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}
