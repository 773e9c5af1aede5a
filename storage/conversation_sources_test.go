package storage

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestConversationSourceRoundTrip(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := context.Background()
	conv, err := db.CreateConversation(ctx, NewConversation{Title: "repo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetConversationSource(ctx, conv.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no context yet: err = %v, want ErrNotFound", err)
	}
	src, err := db.UpsertSource(ctx, SourceFolder, "/home/u/repo", "repo")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetConversationSource(ctx, conv.ID, src.ID, nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetConversationSource(ctx, conv.ID)
	if err != nil || got.Source.Path != "/home/u/repo" || got.Source.Kind != SourceFolder || len(got.Excluded) != 0 || got.Excluded == nil {
		t.Fatalf("context = %+v, %v", got, err)
	}
	// Setting it again replaces the exclusions.
	if err := db.SetConversationSource(ctx, conv.ID, src.ID, []string{"vendor/", "big.log"}); err != nil {
		t.Fatal(err)
	}
	if got, err = db.GetConversationSource(ctx, conv.ID); err != nil || !reflect.DeepEqual(got.Excluded, []string{"vendor/", "big.log"}) {
		t.Fatalf("excluded = %v, %v", got.Excluded, err)
	}
	if err := db.ClearConversationSource(ctx, conv.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetConversationSource(ctx, conv.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after clear: err = %v, want ErrNotFound", err)
	}
	if _, err := db.GetSource(ctx, src.ID); err != nil {
		t.Fatalf("the source must outlive the link: %v", err)
	}
}

func TestConversationSourceGoesWithItsSource(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := context.Background()
	conv, err := db.CreateConversation(ctx, NewConversation{Title: "doc"})
	if err != nil {
		t.Fatal(err)
	}
	src, err := db.UpsertSource(ctx, SourceDocument, "/home/u/notes.md", "notes.md")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetConversationSource(ctx, conv.ID, src.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSource(ctx, src.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetConversationSource(ctx, conv.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after the source is deleted: err = %v, want ErrNotFound", err)
	}
}
