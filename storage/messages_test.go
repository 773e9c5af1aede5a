package storage

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

// buildTree makes this conversation (ids in order of creation):
//
//	u1 ─ a1 ─ u2 ─ a2
//	   └ a1' (regenerated)
//	u1' (edited first message) ─ a3
func buildTree(t *testing.T, db *DB) (Conversation, map[string]Message) {
	t.Helper()
	c := mustConversation(t, db, "tree")
	m := map[string]Message{}
	m["u1"] = mustAppend(t, db, c.ID, 0, RoleUser, "first question")
	m["a1"] = mustAppend(t, db, c.ID, m["u1"].ID, RoleAssistant, "first answer")
	m["u2"] = mustAppend(t, db, c.ID, m["a1"].ID, RoleUser, "second question")
	m["a2"] = mustAppend(t, db, c.ID, m["u2"].ID, RoleAssistant, "second answer")
	m["a1'"] = mustAppend(t, db, c.ID, m["u1"].ID, RoleAssistant, "regenerated answer")
	m["u1'"] = mustAppend(t, db, c.ID, 0, RoleUser, "edited question")
	m["a3"] = mustAppend(t, db, c.ID, m["u1'"].ID, RoleAssistant, "answer to edit")
	return c, m
}

func TestMessageTree(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	c, m := buildTree(t, db)
	ids := func(names ...string) []int64 {
		out := make([]int64, len(names))
		for i, n := range names {
			out[i] = m[n].ID
		}
		return out
	}
	paths := []struct {
		leaf string
		want []int64
	}{
		{"a2", ids("u1", "a1", "u2", "a2")},
		{"a1'", ids("u1", "a1'")},
		{"a3", ids("u1'", "a3")},
		{"u1", ids("u1")},
	}
	for _, p := range paths {
		got, err := db.BranchPath(ctx, m[p.leaf].ID)
		if err != nil || !reflect.DeepEqual(messageIDs(got), p.want) {
			t.Errorf("BranchPath(%s) = %v, %v; want %v", p.leaf, messageIDs(got), err, p.want)
		}
	}
	siblings := []struct {
		of   string
		want []int64
	}{
		{"a1", ids("a1", "a1'")},
		{"a1'", ids("a1", "a1'")},
		{"u1", ids("u1", "u1'")},
		{"a2", ids("a2")},
	}
	for _, s := range siblings {
		got, err := db.Siblings(ctx, m[s.of].ID)
		if err != nil || !reflect.DeepEqual(messageIDs(got), s.want) {
			t.Errorf("Siblings(%s) = %v, %v; want %v", s.of, messageIDs(got), err, s.want)
		}
	}
	leaves := map[string]string{"u1": "a1'", "a1": "a2", "u1'": "a3", "a2": "a2"}
	for from, want := range leaves {
		got, err := db.LatestLeaf(ctx, m[from].ID)
		if err != nil || got != m[want].ID {
			t.Errorf("LatestLeaf(%s) = %d, %v; want %s (%d)", from, got, err, want, m[want].ID)
		}
	}
	conv, err := db.GetConversation(ctx, c.ID)
	if err != nil || conv.ActiveLeafID != m["a3"].ID {
		t.Fatalf("active leaf after appends = %d, %v; want a3", conv.ActiveLeafID, err)
	}
	if err := db.SetActiveLeaf(ctx, c.ID, m["a2"].ID); err != nil {
		t.Fatal(err)
	}
	other := mustConversation(t, db, "other")
	if err := db.SetActiveLeaf(ctx, other.ID, m["a2"].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("SetActiveLeaf to a message of another conversation: %v", err)
	}
	if _, err := db.AppendMessage(ctx, NewMessage{ConversationID: other.ID, ParentID: m["a2"].ID, Role: RoleUser}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("append under a parent of another conversation: %v", err)
	}
	for _, op := range []func() error{
		func() error { _, err := db.BranchPath(ctx, 999); return err },
		func() error { _, err := db.Siblings(ctx, 999); return err },
		func() error { _, err := db.LatestLeaf(ctx, 999); return err },
		func() error { _, err := db.GetMessage(ctx, 999); return err },
		func() error { return db.DeleteMessage(ctx, 999) },
		func() error { return db.UpdateMessageContent(ctx, 999, "", 0) },
		func() error { return db.UpdateMessageStats(ctx, 999, GenerationStats{}) },
	} {
		if err := op(); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing message: %v, want ErrNotFound", err)
		}
	}
}

func TestMessageUpdateAndStats(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	c := mustConversation(t, db, "c")
	u := mustAppend(t, db, c.ID, 0, RoleUser, "q")
	a := mustAppend(t, db, c.ID, u.ID, RoleAssistant, "")
	if err := db.UpdateMessageContent(ctx, a.ID, "streamed reply about otters", 5); err != nil {
		t.Fatal(err)
	}
	stats := GenerationStats{Model: "m", PromptTokens: 10, CompletionTokens: 5, CachedTokens: 4, PrefillMS: 12, DecodeMS: 250, StopReason: "eos"}
	if err := db.UpdateMessageStats(ctx, a.ID, stats); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetMessage(ctx, a.ID)
	if err != nil || got.Content != "streamed reply about otters" || got.TokenCount != 5 || got.Stats != stats || got.UpdatedAt <= a.UpdatedAt {
		t.Fatalf("message = %+v, %v", got, err)
	}
	// The search index follows content updates.
	hits, err := db.Search(ctx, "otters", 5)
	if err != nil || len(hits) != 1 || hits[0].MessageID != a.ID {
		t.Fatalf("search after update = %+v, %v", hits, err)
	}
}

func TestDeleteMessageSubtree(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	c, m := buildTree(t, db)
	if err := db.SetActiveLeaf(ctx, c.ID, m["a2"].ID); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteMessage(ctx, m["a1"].ID); err != nil {
		t.Fatal(err)
	}
	all, err := db.ListMessages(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{m["u1"].ID, m["a1'"].ID, m["u1'"].ID, m["a3"].ID}
	if !reflect.DeepEqual(messageIDs(all), want) {
		t.Fatalf("after deleting a1: %v, want %v", messageIDs(all), want)
	}
	conv, err := db.GetConversation(ctx, c.ID)
	if err != nil || conv.ActiveLeafID != m["u1"].ID {
		t.Fatalf("active leaf = %d, %v; want the deleted message's parent %d", conv.ActiveLeafID, err, m["u1"].ID)
	}
	if hits, err := db.Search(ctx, "second", 10); err != nil || len(hits) != 0 {
		t.Fatalf("deleted messages still searchable: %+v, %v", hits, err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}
