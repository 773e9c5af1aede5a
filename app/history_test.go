package app

import (
	"context"
	"strings"
	"testing"

	"hearth/storage"
)

// seedConversation stores a conversation with one exchange, without a model.
func seedConversation(t *testing.T, a *App, title, user, answer string) int64 {
	t.Helper()
	c, err := a.NewConversation()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u, err := a.db.AppendMessage(ctx, storage.NewMessage{ConversationID: c.ID, Role: storage.RoleUser, Content: user})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.AppendMessage(ctx, storage.NewMessage{ConversationID: c.ID, ParentID: u.ID, Role: storage.RoleAssistant, Content: answer}); err != nil {
		t.Fatal(err)
	}
	if err := a.RenameConversation(c.ID, title); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func TestHistoryListPinDeleteRestore(t *testing.T) {
	a, _ := openApp(t, t.TempDir(), Config{})
	first := seedConversation(t, a, "Glaciers", "Tell me about glaciers", "They are slow rivers of ice.")
	second := seedConversation(t, a, "Deserts", "And deserts?", "Dry.")
	ids := func() []int64 {
		list, err := a.ListConversations()
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, c := range list {
			out = append(out, c.ID)
		}
		return out
	}
	if got := ids(); len(got) != 2 || got[0] != second {
		t.Fatalf("list = %v, want newest (%d) first", got, second)
	}
	if err := a.PinConversation(first, true); err != nil {
		t.Fatal(err)
	}
	if got := ids(); got[0] != first {
		t.Fatalf("list = %v, want pinned %d first", got, first)
	}
	if err := a.DeleteConversation(first); err != nil {
		t.Fatal(err)
	}
	if got := ids(); len(got) != 1 || got[0] != second {
		t.Fatalf("after delete: %v", got)
	}
	if err := a.RestoreConversation(first); err != nil {
		t.Fatal(err)
	}
	if got := ids(); len(got) != 2 || got[0] != first {
		t.Fatalf("after restore: %v", got)
	}
	if err := a.RenameConversation(first, "  "); err == nil {
		t.Error("RenameConversation accepted an empty title")
	}
}

func TestSearchExportImport(t *testing.T) {
	a, _ := openApp(t, t.TempDir(), Config{})
	id := seedConversation(t, a, "Glaciers", "Tell me about glaciers", "They are slow rivers of ice.")
	hits, err := a.SearchMessages("rivers")
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].ConversationID != id || hits[0].Title != "Glaciers" ||
		!strings.Contains(hits[0].Snippet, "\x02rivers\x03") {
		t.Fatalf("hits = %+v", hits)
	}
	md, err := a.ExportConversation(id, "markdown")
	if err != nil || !strings.Contains(md, "# Glaciers") || !strings.Contains(md, "slow rivers of ice") {
		t.Fatalf("markdown = %q, %v", md, err)
	}
	js, err := a.ExportConversation(id, "json")
	if err != nil {
		t.Fatal(err)
	}
	newID, err := a.ImportConversationJSON(js)
	if err != nil {
		t.Fatal(err)
	}
	orig, err := a.GetConversation(id)
	if err != nil {
		t.Fatal(err)
	}
	imported, err := a.GetConversation(newID)
	if err != nil {
		t.Fatal(err)
	}
	if newID == id || imported.Conversation.Title != "Glaciers" || len(imported.Messages) != 2 ||
		imported.Messages[0].Content != orig.Messages[0].Content || imported.Messages[1].Content != orig.Messages[1].Content {
		t.Fatalf("imported = %+v", imported)
	}
	if _, err := a.ExportConversation(id, "pdf"); err == nil {
		t.Error("ExportConversation accepted pdf")
	}
	if _, err := a.ImportConversationJSON(`{"format":"other"}`); err == nil {
		t.Error("ImportConversationJSON accepted a foreign document")
	}
}

func TestConversationSettings(t *testing.T) {
	a, _ := openApp(t, t.TempDir(), Config{})
	c, err := a.NewConversation()
	if err != nil {
		t.Fatal(err)
	}
	view, err := a.GetConversation(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if view.Settings != defaultConversationSettings || c.Title != newConversationTitle || len(view.Messages) != 0 {
		t.Fatalf("new conversation = %+v", view)
	}
	s := ConversationSettings{SystemPrompt: "Be brief.", Temperature: 0.2, TopK: 10, TopP: 0.5, MinP: 0.1, RepeatPenalty: 1.1, Seed: 3, MaxTokens: 99}
	if err := a.UpdateConversationSettings(c.ID, s); err != nil {
		t.Fatal(err)
	}
	view, err = a.GetConversation(c.ID)
	if err != nil || view.Settings != s || view.SystemPrompt != "Be brief." {
		t.Fatalf("after update = %+v, %v", view, err)
	}
	if err := a.UpdateConversationSettings(c.ID, ConversationSettings{TopP: 2}); err == nil {
		t.Error("top-p 2 accepted")
	}
}

func TestSettingsSaveLoad(t *testing.T) {
	dir := t.TempDir()
	a, _ := openApp(t, dir, Config{})
	got, err := a.GetSettings()
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{KVType: "f16", DataDir: dir, Theme: "system", Defaults: defaultConversationSettings, KVCacheBudgetBytes: storage.DefaultKVBudget}
	if got != want {
		t.Fatalf("defaults = %+v, want %+v", got, want)
	}
	s := Settings{Threads: 2, ContextLength: 2048, KVType: "f32", DataDir: "/elsewhere", Theme: "dark",
		Defaults: ConversationSettings{SystemPrompt: "Hi", Temperature: 1, MaxTokens: 5}, KVCacheBudgetBytes: 1 << 30}
	if err := a.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	a.shutdown(context.Background())
	b, _ := openApp(t, dir, Config{})
	got, err = b.GetSettings()
	if err != nil {
		t.Fatal(err)
	}
	s.DataDir = dir // read-only: saving does not move the data
	if got != s {
		t.Fatalf("after restart = %+v, want %+v", got, s)
	}
	c, err := b.NewConversation()
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := b.GetConversation(c.ID); v.SystemPrompt != "Hi" || v.Settings.MaxTokens != 5 {
		t.Errorf("new conversation ignores the defaults: %+v", v)
	}
	for _, bad := range []Settings{
		{KVType: "q4", Theme: "dark"},
		{KVType: "f16", Theme: "blue"},
		{KVType: "f16", Theme: "dark", ContextLength: -1},
		{KVType: "f16", Theme: "dark", Threads: -1},
	} {
		if err := b.SaveSettings(bad); err == nil {
			t.Errorf("SaveSettings(%+v) accepted", bad)
		}
	}
}

func TestTitleFrom(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello", "Hello"},
		{"  one two   three four five six  ", "one two three four five six"},
		{"one two three four five six seven", "one two three four five six…"},
		{"What is this, exactly? Tell me more now", "What is this, exactly? Tell me…"},
		{strings.Repeat("x", 100), strings.Repeat("x", 60) + "…"},
		{"   ", newConversationTitle},
	}
	for _, tt := range tests {
		if got := titleFrom(tt.in); got != tt.want {
			t.Errorf("titleFrom(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReadableErrors(t *testing.T) {
	a, _ := openApp(t, t.TempDir(), Config{})
	id := seedConversation(t, a, "Gone", "q", "a")
	if err := a.DeleteConversation(id); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"missing conversation", func() error { _, err := a.GetConversation(999); return err }, "Conversation 999 does not exist"},
		{"missing model", func() error { return a.LoadModel(42) }, "Model 42 is not in the model list"},
		{"branch in the trash", func() error { _, err := a.SwitchBranch(id, 1); return err }, `Conversation "Gone" is in the trash`},
		{"missing message", func() error {
			c, err := a.NewConversation()
			if err != nil {
				return err
			}
			_, err = a.SwitchBranch(c.ID, 999)
			return err
		}, "Message 999 does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to start %q", err, tt.want)
			}
		})
	}
}
