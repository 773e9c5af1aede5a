package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
)

func TestPutBlobDedupAndThumbnail(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	data := []byte("\x89PNG fake image bytes")
	sum := sha256.Sum256(data)
	want := hex.EncodeToString(sum[:])

	d1, err := db.PutBlob(ctx, data, "image/png", nil, "")
	if err != nil || d1 != want {
		t.Fatalf("PutBlob = %s, %v; want %s", d1, err, want)
	}
	if _, _, err := db.GetThumbnail(ctx, d1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("thumbnail before one was stored: %v", err)
	}
	// Same bytes again: deduplicated, and the thumbnail fills the gap.
	if d2, err := db.PutBlob(ctx, data, "image/png", []byte("thumb1"), "image/jpeg"); err != nil || d2 != d1 {
		t.Fatalf("second PutBlob = %s, %v", d2, err)
	}
	// A later thumbnail does not replace the first.
	if _, err := db.PutBlob(ctx, data, "image/png", []byte("thumb2"), "image/webp"); err != nil {
		t.Fatal(err)
	}
	thumb, mime, err := db.GetThumbnail(ctx, d1)
	if err != nil || string(thumb) != "thumb1" || mime != "image/jpeg" {
		t.Fatalf("thumbnail = %q %q, %v", thumb, mime, err)
	}
	var n int
	if err := db.sql.QueryRow("SELECT COUNT(*) FROM blobs").Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d blob rows, %v; want 1", n, err)
	}
	b, err := db.GetBlob(ctx, d1)
	if err != nil || string(b.Data) != string(data) || b.MIME != "image/png" {
		t.Fatalf("GetBlob = %+v, %v", b, err)
	}
	if _, err := db.GetBlob(ctx, "00"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing blob: %v", err)
	}
}

func TestMessageAttachments(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, Options{})
	c := mustConversation(t, db, "c")
	img, err := db.PutBlob(ctx, []byte("img"), "image/png", []byte("t"), "image/png")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := db.PutBlob(ctx, []byte("%PDF"), "application/pdf", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	src, err := db.UpsertSource(ctx, SourceFolder, "/home/u/project", "project")
	if err != nil {
		t.Fatal(err)
	}
	refs := []AttachmentRef{
		{Kind: AttachmentImage, Name: "cat.png", BlobSHA256: img},
		{Kind: AttachmentFile, Name: "paper.pdf", BlobSHA256: doc},
		{Kind: AttachmentFolder, Name: "project", SourceID: src.ID},
	}
	m, err := db.AppendMessage(ctx, NewMessage{ConversationID: c.ID, Role: RoleUser, Content: "look", Attachments: refs})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 3 {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	for i, a := range m.Attachments {
		if a.AttachmentRef != refs[i] || a.Position != i || a.MessageID != m.ID {
			t.Errorf("attachment %d = %+v, want ref %+v", i, a, refs[i])
		}
	}
	if a := m.Attachments[0]; a.MIME != "image/png" || a.Size != 3 || !a.HasThumbnail {
		t.Errorf("image attachment metadata = %+v", a)
	}
	if a := m.Attachments[1]; a.MIME != "application/pdf" || a.HasThumbnail {
		t.Errorf("file attachment metadata = %+v", a)
	}

	bad := [][]AttachmentRef{
		{{Kind: AttachmentImage, Name: "no blob"}},
		{{Kind: AttachmentFolder, Name: "folder with blob", BlobSHA256: img}},
		{{Kind: AttachmentFile, Name: "unknown blob", BlobSHA256: "ab"}},
		{{Kind: "video", Name: "bad kind", BlobSHA256: img}},
	}
	for _, refs := range bad {
		if _, err := db.AppendMessage(ctx, NewMessage{ConversationID: c.ID, Role: RoleUser, Attachments: refs}); err == nil {
			t.Errorf("AppendMessage with %+v succeeded", refs)
		}
	}
	// A failed append leaves nothing behind: the transaction rolled back.
	if ms, _ := db.ListMessages(ctx, c.ID); len(ms) != 1 {
		t.Fatalf("%d messages after failed appends, want 1", len(ms))
	}

	orphan, err := db.PutBlob(ctx, []byte("never attached"), "text/plain", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PurgeConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := db.PurgeOrphanBlobs(ctx, 0); err != nil || n != 0 {
		t.Fatalf("PurgeOrphanBlobs(before epoch) = %d, %v; want 0", n, err)
	}
	if n, err := db.PurgeOrphanBlobs(ctx, db.nowMS()); err != nil || n != 3 {
		t.Fatalf("PurgeOrphanBlobs(now) = %d, %v; want 3", n, err)
	}
	if _, err := db.GetBlob(ctx, orphan); !errors.Is(err, ErrNotFound) {
		t.Fatalf("orphan blob survived: %v", err)
	}
}
