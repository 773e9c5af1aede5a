package storage

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func titles(cs []Conversation) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Title
	}
	return out
}

func TestConversationListOrderAndEdits(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	a := mustConversation(t, db, "a")
	b := mustConversation(t, db, "b")
	c := mustConversation(t, db, "c")

	steps := []struct {
		name string
		do   func() error
		want []string
	}{
		{"newest first", func() error { return nil }, []string{"c", "b", "a"}},
		{"rename bumps", func() error { return db.RenameConversation(ctx, a.ID, "a2") }, []string{"a2", "c", "b"}},
		{"pinned first", func() error { return db.SetPinned(ctx, b.ID, true) }, []string{"b", "a2", "c"}},
		{"message bumps", func() error {
			_, err := db.AppendMessage(ctx, NewMessage{ConversationID: c.ID, Role: RoleUser, Content: "hi"})
			return err
		}, []string{"b", "c", "a2"}},
		{"delete hides", func() error { return db.DeleteConversation(ctx, c.ID) }, []string{"b", "a2"}},
		{"restore shows", func() error { return db.RestoreConversation(ctx, c.ID) }, []string{"b", "c", "a2"}},
		{"unpin", func() error { return db.SetPinned(ctx, b.ID, false) }, []string{"c", "a2", "b"}},
		{"purge removes", func() error { return db.PurgeConversation(ctx, a.ID) }, []string{"c", "b"}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		got, err := db.ListConversations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(titles(got), s.want) {
			t.Fatalf("%s: list = %q, want %q", s.name, titles(got), s.want)
		}
	}
}

func TestConversationSettingsRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	gs := GenerationSettings{Temperature: 0.6, TopK: 40, TopP: 0.9, MinP: 0.05, RepeatPenalty: 1.1, Seed: 42, MaxTokens: 512, ContextSize: 8192}
	c, err := db.CreateConversation(ctx, NewConversation{Title: "t", Model: "m1", SystemPrompt: "sys", Settings: gs, Pinned: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Settings != gs || c.Model != "m1" || c.SystemPrompt != "sys" || !c.Pinned || c.CreatedAt == 0 || c.CreatedAt != c.UpdatedAt {
		t.Fatalf("created %+v", c)
	}
	gs2 := GenerationSettings{Temperature: 1}
	if err := db.UpdateConversationSettings(ctx, c.ID, "m2", "sys2", gs2); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetConversation(ctx, c.ID)
	if err != nil || got.Settings != gs2 || got.Model != "m2" || got.SystemPrompt != "sys2" || got.UpdatedAt <= c.UpdatedAt {
		t.Fatalf("updated %+v, %v", got, err)
	}
}

func TestConversationNotFound(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	ops := map[string]func() error{
		"get":      func() error { _, err := db.GetConversation(ctx, 99); return err },
		"rename":   func() error { return db.RenameConversation(ctx, 99, "x") },
		"pin":      func() error { return db.SetPinned(ctx, 99, true) },
		"delete":   func() error { return db.DeleteConversation(ctx, 99) },
		"restore":  func() error { return db.RestoreConversation(ctx, 99) },
		"purge":    func() error { return db.PurgeConversation(ctx, 99) },
		"settings": func() error { return db.UpdateConversationSettings(ctx, 99, "", "", GenerationSettings{}) },
		"leaf":     func() error { return db.SetActiveLeaf(ctx, 99, 1) },
		"append": func() error {
			_, err := db.AppendMessage(ctx, NewMessage{ConversationID: 99, Role: RoleUser})
			return err
		},
	}
	for name, op := range ops {
		if err := op(); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
}

func TestTrashAndPurgeDeleted(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	old := mustConversation(t, db, "old")
	mustAppend(t, db, old.ID, 0, RoleUser, "old words")
	if err := db.DeleteConversation(ctx, old.ID); err != nil {
		t.Fatal(err)
	}
	deleted, err := db.GetConversation(ctx, old.ID)
	if err != nil || deleted.DeletedAt == 0 {
		t.Fatalf("deleted conversation %+v, %v", deleted, err)
	}
	recent := mustConversation(t, db, "recent")
	if err := db.DeleteConversation(ctx, recent.ID); err != nil {
		t.Fatal(err)
	}
	recentDeleted, _ := db.GetConversation(ctx, recent.ID)
	trash, err := db.ListDeletedConversations(ctx)
	if err != nil || !reflect.DeepEqual(titles(trash), []string{"recent", "old"}) {
		t.Fatalf("trash = %q, %v", titles(trash), err)
	}
	n, err := db.PurgeDeleted(ctx, recentDeleted.DeletedAt)
	if err != nil || n != 1 {
		t.Fatalf("PurgeDeleted = %d, %v; want 1", n, err)
	}
	if _, err := db.GetConversation(ctx, old.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("purged conversation still there: %v", err)
	}
	if ms, err := db.ListMessages(ctx, old.ID); err != nil || len(ms) != 0 {
		t.Fatalf("purged conversation's messages: %d, %v", len(ms), err)
	}
	if _, err := db.GetConversation(ctx, recent.ID); err != nil {
		t.Fatalf("recently deleted conversation purged too early: %v", err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}
