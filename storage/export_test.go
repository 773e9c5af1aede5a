package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestExportMarkdown(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	c, err := db.CreateConversation(ctx, NewConversation{Title: "Trip\nplans", Model: "llama-4-scout", SystemPrompt: "You are helpful.\n"})
	if err != nil {
		t.Fatal(err)
	}
	img, err := db.PutBlob(ctx, []byte("jpeg"), "image/jpeg", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.AppendMessage(ctx, NewMessage{ConversationID: c.ID, Role: RoleUser, Content: "Where to?",
		Attachments: []AttachmentRef{{Kind: AttachmentImage, Name: "map.jpg", BlobSHA256: img}}})
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, db, c.ID, u.ID, RoleAssistant, "Abandoned branch.")
	_, err = db.AppendMessage(ctx, NewMessage{ConversationID: c.ID, ParentID: u.ID, Role: RoleAssistant,
		Content: "Try **Lisbon**.\n", Stats: GenerationStats{Model: "llama-4-scout", CompletionTokens: 50, DecodeMS: 2000}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.ExportMarkdown(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := "# Trip plans\n\n" +
		"- Model: `llama-4-scout`\n" +
		"- Created: 2026-01-02 03:04 UTC\n\n" +
		"## System\n\nYou are helpful.\n\n" +
		"## User\n\nWhere to?\n\n- Attached image: map.jpg\n\n" +
		"## Assistant\n\nTry **Lisbon**.\n\n" +
		"*llama-4-scout · 50 tokens · 25.0 tokens/s*\n"
	if string(got) != want {
		t.Fatalf("markdown:\n%s\nwant:\n%s", got, want)
	}

	empty := mustConversation(t, db, "")
	got, err = db.ExportMarkdown(ctx, empty.ID)
	if err != nil || !strings.HasPrefix(string(got), "# Untitled conversation\n") {
		t.Fatalf("empty conversation: %q, %v", got, err)
	}
}

func TestExportImportJSONRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	c, m := buildTree(t, db)
	if err := db.UpdateConversationSettings(ctx, c.ID, "m", "sys", GenerationSettings{Temperature: 0.3, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPinned(ctx, c.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := db.SetActiveLeaf(ctx, c.ID, m["a2"].ID); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateMessageStats(ctx, m["a2"].ID, GenerationStats{Model: "m", CompletionTokens: 3, StopReason: "length"}); err != nil {
		t.Fatal(err)
	}
	img, err := db.PutBlob(ctx, []byte("image bytes"), "image/png", []byte("thumb"), "image/jpeg")
	if err != nil {
		t.Fatal(err)
	}
	src, err := db.UpsertSource(ctx, SourceFolder, "/src/docs", "docs")
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.AppendMessage(ctx, NewMessage{ConversationID: c.ID, ParentID: m["a2"].ID, Role: RoleUser, Content: "see",
		Attachments: []AttachmentRef{{Kind: AttachmentImage, Name: "x.png", BlobSHA256: img}, {Kind: AttachmentFolder, Name: "docs", SourceID: src.ID}}})
	if err != nil {
		t.Fatal(err)
	}

	data, err := db.ExportJSON(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil || doc["format"] != ExportFormat || doc["version"] != float64(ExportVersion) {
		t.Fatalf("export header: format %v version %v, %v", doc["format"], doc["version"], err)
	}

	// Import into a fresh database (blobs must travel) and into the same one.
	other := openTestDB(t, Options{})
	if _, err := other.UpsertSource(ctx, SourceFolder, "/src/docs", "docs"); err != nil {
		t.Fatal(err)
	}
	for name, dst := range map[string]*DB{"same db": db, "other db": other} {
		t.Run(name, func(t *testing.T) {
			newID, err := dst.ImportJSON(ctx, data)
			if err != nil {
				t.Fatal(err)
			}
			if dst == db && newID == c.ID {
				t.Fatal("import reused the original id")
			}
			orig, _ := db.GetConversation(ctx, c.ID)
			imp, err := dst.GetConversation(ctx, newID)
			if err != nil {
				t.Fatal(err)
			}
			if imp.Title != orig.Title || imp.Model != orig.Model || imp.SystemPrompt != orig.SystemPrompt ||
				imp.Settings != orig.Settings || imp.Pinned != orig.Pinned || imp.CreatedAt != orig.CreatedAt || imp.UpdatedAt != orig.UpdatedAt {
				t.Fatalf("imported conversation %+v, original %+v", imp, orig)
			}
			origMs, _ := db.ListMessages(ctx, c.ID)
			impMs, err := dst.ListMessages(ctx, newID)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := treeShape(impMs, imp.ActiveLeafID), treeShape(origMs, orig.ActiveLeafID); !reflect.DeepEqual(got, want) {
				t.Fatalf("imported tree\n%v\nwant\n%v", got, want)
			}
			last := impMs[len(impMs)-1]
			if len(last.Attachments) != 2 || last.Attachments[0].BlobSHA256 != img || !last.Attachments[0].HasThumbnail {
				t.Fatalf("imported attachments %+v", last.Attachments)
			}
			if srcs, _ := dst.ListSources(ctx); last.Attachments[1].SourceID != srcs[0].ID {
				t.Fatalf("folder attachment not linked to the source with its path: %+v", last.Attachments[1])
			}
			b, err := dst.GetBlob(ctx, img)
			if err != nil || string(b.Data) != "image bytes" || string(b.Thumbnail) != "thumb" {
				t.Fatalf("imported blob %+v, %v", b, err)
			}
			if err := dst.IntegrityCheck(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// treeShape describes a message tree without ids: each message as its
// content, its parent's content and its stats, plus which one is active.
func treeShape(ms []Message, activeLeaf int64) []string {
	content := map[int64]string{}
	for _, m := range ms {
		content[m.ID] = m.Content
	}
	var out []string
	for _, m := range ms {
		s := strings.Join([]string{content[m.ParentID], "->", m.Role, m.Content}, " ")
		if m.ID == activeLeaf {
			s += " (active)"
		}
		b, _ := json.Marshal(m.Stats)
		out = append(out, fmt.Sprintf("%s %s at %d/%d", s, b, m.CreatedAt, m.UpdatedAt))
	}
	return out
}

func TestImportJSONRejectsBadDocuments(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	msg := func(id, parent int64) string {
		return `{"id":` + itoa(id) + `,"parent_id":` + itoa(parent) + `,"role":"user","content":"x","created_at":1,"updated_at":1}`
	}
	doc := func(version string, messages ...string) string {
		return `{"format":"hearth.conversation","version":` + version + `,"conversation":{"title":"t"},"messages":[` + strings.Join(messages, ",") + `]}`
	}
	tests := map[string]string{
		"not json":       `{`,
		"wrong format":   `{"format":"other","version":1}`,
		"future version": doc("2", msg(1, 0)),
		"zero version":   doc("0", msg(1, 0)),
		"missing parent": doc("1", msg(1, 0), msg(2, 7)),
		"cycle":          doc("1", msg(1, 2), msg(2, 1)),
		"repeated id":    doc("1", msg(1, 0), msg(1, 0)),
		"blob mismatch": `{"format":"hearth.conversation","version":1,"conversation":{},"messages":[],
			"blobs":[{"sha256":"00","mime":"x","data":"aGk="}]}`,
		"unknown blob": doc("1", `{"id":1,"role":"user","attachments":[{"kind":"image","name":"n","blob_sha256":"ab"}]}`),
		"bad leaf":     `{"format":"hearth.conversation","version":1,"conversation":{"active_leaf_id":5},"messages":[]}`,
	}
	for name, in := range tests {
		if _, err := db.ImportJSON(ctx, []byte(in)); err == nil {
			t.Errorf("%s: import succeeded", name)
		}
	}
	if cs, _ := db.ListConversations(ctx); len(cs) != 0 {
		t.Fatalf("failed imports left %d conversations", len(cs))
	}
	// Children listed before their parents are fine.
	id, err := db.ImportJSON(ctx, []byte(doc("1", msg(3, 2), msg(2, 1), msg(1, 0))))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := db.ListMessages(ctx, id)
	if err != nil || len(ms) != 3 || ms[2].ParentID != ms[1].ID || ms[1].ParentID != ms[0].ID {
		t.Fatalf("reordered import: %+v, %v", ms, err)
	}
}

func itoa(v int64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
