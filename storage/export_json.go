package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// ExportFormat and ExportVersion identify Hearth's conversation JSON.
// ImportJSON accepts versions up to ExportVersion.
const (
	ExportFormat  = "hearth.conversation"
	ExportVersion = 1
)

// ConversationExport is the JSON document ExportJSON writes and ImportJSON
// reads: one conversation with its whole message tree (every branch) and
// the bytes of its attachments. Ids are only meaningful inside the file.
type ConversationExport struct {
	Format       string             `json:"format"`
	Version      int                `json:"version"`
	Conversation ExportConversation `json:"conversation"`
	Messages     []ExportMessage    `json:"messages"`
	Blobs        []ExportBlob       `json:"blobs,omitempty"`
}

// ExportConversation is a conversation's fields in an export.
type ExportConversation struct {
	Title        string             `json:"title"`
	Model        string             `json:"model,omitempty"`
	SystemPrompt string             `json:"system_prompt,omitempty"`
	Settings     GenerationSettings `json:"settings"`
	Pinned       bool               `json:"pinned,omitempty"`
	ActiveLeafID int64              `json:"active_leaf_id,omitempty"`
	CreatedAt    int64              `json:"created_at"`
	UpdatedAt    int64              `json:"updated_at"`
}

// ExportMessage is one message in an export; ParentID 0 marks a root.
type ExportMessage struct {
	ID          int64              `json:"id"`
	ParentID    int64              `json:"parent_id,omitempty"`
	Role        string             `json:"role"`
	Content     string             `json:"content"`
	TokenCount  int                `json:"token_count,omitempty"`
	Stats       GenerationStats    `json:"stats"`
	Attachments []ExportAttachment `json:"attachments,omitempty"`
	CreatedAt   int64              `json:"created_at"`
	UpdatedAt   int64              `json:"updated_at"`
}

// ExportAttachment is an attachment in an export. A folder is exported by
// its path, since the source row does not travel.
type ExportAttachment struct {
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	BlobSHA256 string `json:"blob_sha256,omitempty"`
	SourcePath string `json:"source_path,omitempty"`
}

// ExportBlob is an attachment body in an export (bytes base64 in JSON).
type ExportBlob struct {
	SHA256    string `json:"sha256"`
	MIME      string `json:"mime"`
	Data      []byte `json:"data"`
	Thumbnail []byte `json:"thumbnail,omitempty"`
	ThumbMIME string `json:"thumb_mime,omitempty"`
}

// ExportJSON writes a conversation, every branch and attachment included,
// as an indented ConversationExport.
func (db *DB) ExportJSON(ctx context.Context, conversationID int64) ([]byte, error) {
	c, err := db.GetConversation(ctx, conversationID)
	if err != nil {
		return nil, err
	}
	ms, err := db.ListMessages(ctx, conversationID)
	if err != nil {
		return nil, err
	}
	doc := ConversationExport{
		Format:  ExportFormat,
		Version: ExportVersion,
		Conversation: ExportConversation{
			Title: c.Title, Model: c.Model, SystemPrompt: c.SystemPrompt, Settings: c.Settings,
			Pinned: c.Pinned, ActiveLeafID: c.ActiveLeafID, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		},
		Messages: make([]ExportMessage, 0, len(ms)),
	}
	seen := map[string]bool{}
	for _, m := range ms {
		em := ExportMessage{ID: m.ID, ParentID: m.ParentID, Role: m.Role, Content: m.Content,
			TokenCount: m.TokenCount, Stats: m.Stats, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
		for _, a := range m.Attachments {
			ea := ExportAttachment{Kind: a.Kind, Name: a.Name, BlobSHA256: a.BlobSHA256}
			if a.SourceID != 0 {
				if s, err := db.GetSource(ctx, a.SourceID); err == nil {
					ea.SourcePath = s.Path
				}
			}
			em.Attachments = append(em.Attachments, ea)
			if a.BlobSHA256 != "" && !seen[a.BlobSHA256] {
				seen[a.BlobSHA256] = true
				b, err := db.GetBlob(ctx, a.BlobSHA256)
				if err != nil {
					return nil, fmt.Errorf("storage: export conversation %d: %w", conversationID, err)
				}
				doc.Blobs = append(doc.Blobs, ExportBlob{SHA256: b.SHA256, MIME: b.MIME, Data: b.Data,
					Thumbnail: b.Thumbnail, ThumbMIME: b.ThumbMIME})
			}
		}
		doc.Messages = append(doc.Messages, em)
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("storage: export conversation %d: %w", conversationID, err)
	}
	return out, nil
}

// ImportJSON adds the conversation in data (an ExportJSON document) as a
// new conversation with new ids, keeping the message tree, timestamps and
// attachments, and returns the new conversation's id. A folder attachment
// is linked to an existing folder source with the same path, if any.
func (db *DB) ImportJSON(ctx context.Context, data []byte) (int64, error) {
	var doc ConversationExport
	if err := json.Unmarshal(data, &doc); err != nil {
		return 0, fmt.Errorf("storage: import: %w", err)
	}
	order, err := validateExport(&doc)
	if err != nil {
		return 0, fmt.Errorf("storage: import: %w", err)
	}
	var convID int64
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		convID, err = db.importTx(ctx, tx, &doc, order)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("storage: import: %w", err)
	}
	return convID, nil
}

// validateExport checks the document and returns message indexes ordered
// so every parent precedes its children.
func validateExport(doc *ConversationExport) ([]int, error) {
	if doc.Format != ExportFormat {
		return nil, fmt.Errorf("format %q is not %q", doc.Format, ExportFormat)
	}
	if doc.Version < 1 || doc.Version > ExportVersion {
		return nil, fmt.Errorf("version %d not supported (this build reads 1 to %d)", doc.Version, ExportVersion)
	}
	blobs := map[string]bool{}
	for _, b := range doc.Blobs {
		sum := sha256.Sum256(b.Data)
		if hex.EncodeToString(sum[:]) != b.SHA256 {
			return nil, fmt.Errorf("blob %s: data does not match its sha256", b.SHA256)
		}
		blobs[b.SHA256] = true
	}
	byID := map[int64]bool{}
	for _, m := range doc.Messages {
		if m.ID == 0 || byID[m.ID] {
			return nil, fmt.Errorf("message %d: id is zero or repeated", m.ID)
		}
		byID[m.ID] = true
		for _, a := range m.Attachments {
			if a.BlobSHA256 != "" && !blobs[a.BlobSHA256] {
				return nil, fmt.Errorf("message %d: attachment %q: blob %s not in file", m.ID, a.Name, a.BlobSHA256)
			}
		}
	}
	if leaf := doc.Conversation.ActiveLeafID; leaf != 0 && !byID[leaf] {
		return nil, fmt.Errorf("active leaf %d is not a message", leaf)
	}
	// Keep file order where it already puts parents first (ExportJSON's
	// does), so sibling order survives; otherwise defer a message until its
	// parent is placed. A pass that places nothing means a missing parent or
	// a cycle.
	order := make([]int, 0, len(doc.Messages))
	placed := map[int64]bool{0: true}
	pending := make([]int, len(doc.Messages))
	for i := range pending {
		pending[i] = i
	}
	for len(pending) > 0 {
		var rest []int
		for _, i := range pending {
			if m := doc.Messages[i]; placed[m.ParentID] {
				placed[m.ID] = true
				order = append(order, i)
			} else {
				rest = append(rest, i)
			}
		}
		if len(rest) == len(pending) {
			return nil, fmt.Errorf("%d messages have a missing parent or form a cycle", len(rest))
		}
		pending = rest
	}
	return order, nil
}

func (db *DB) importTx(ctx context.Context, tx *sql.Tx, doc *ConversationExport, order []int) (int64, error) {
	c := doc.Conversation
	settings, err := json.Marshal(c.Settings)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO conversations
		(title, model, system_prompt, settings_json, pinned, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.Title, c.Model, c.SystemPrompt, string(settings), c.Pinned, c.CreatedAt, c.UpdatedAt)
	if err != nil {
		return 0, err
	}
	convID, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	now := db.nowMS()
	for _, b := range doc.Blobs {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO blobs
			(sha256, mime, size, data, thumbnail, thumb_mime, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			b.SHA256, b.MIME, len(b.Data), b.Data, b.Thumbnail, b.ThumbMIME, now); err != nil {
			return 0, fmt.Errorf("blob %s: %w", b.SHA256, err)
		}
	}
	newID := map[int64]int64{}
	for _, i := range order {
		m := doc.Messages[i]
		s := m.Stats
		res, err := tx.ExecContext(ctx, `INSERT INTO messages (conversation_id, parent_id, role, content,
			token_count, model, prompt_tokens, completion_tokens, cached_tokens, prefill_ms, decode_ms,
			stop_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			convID, nullInt(newID[m.ParentID]), m.Role, m.Content, m.TokenCount, s.Model, s.PromptTokens,
			s.CompletionTokens, s.CachedTokens, s.PrefillMS, s.DecodeMS, s.StopReason, m.CreatedAt, m.UpdatedAt)
		if err != nil {
			return 0, fmt.Errorf("message %d: %w", m.ID, err)
		}
		if newID[m.ID], err = res.LastInsertId(); err != nil {
			return 0, err
		}
		refs := make([]AttachmentRef, len(m.Attachments))
		for j, a := range m.Attachments {
			refs[j] = AttachmentRef{Kind: a.Kind, Name: a.Name, BlobSHA256: a.BlobSHA256}
			if a.SourcePath != "" {
				err := tx.QueryRowContext(ctx, "SELECT id FROM sources WHERE kind = ? AND path = ?",
					SourceFolder, a.SourcePath).Scan(&refs[j].SourceID)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return 0, err
				}
			}
		}
		if err := attachTx(ctx, tx, newID[m.ID], refs); err != nil {
			return 0, fmt.Errorf("message %d: %w", m.ID, err)
		}
	}
	if leaf := newID[c.ActiveLeafID]; leaf != 0 {
		if _, err := tx.ExecContext(ctx, "UPDATE conversations SET active_leaf_id = ? WHERE id = ?", leaf, convID); err != nil {
			return 0, err
		}
	}
	return convID, nil
}
