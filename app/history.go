package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"hearth/storage"
)

// newConversationTitle is the title of a conversation before its first
// message names it.
const newConversationTitle = "New conversation"

// searchLimit bounds the hits SearchMessages returns.
const searchLimit = 50

// ConversationSummary is a conversation as the history list shows it.
type ConversationSummary struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Model     string `json:"model"`
	Pinned    bool   `json:"pinned"`
	UpdatedAt int64  `json:"updatedAt"`
	CreatedAt int64  `json:"createdAt"`
}

// ConversationSettings are a conversation's system prompt and sampling.
type ConversationSettings struct {
	SystemPrompt  string  `json:"systemPrompt"`
	Temperature   float64 `json:"temperature"` // 0: greedy
	TopK          int     `json:"topK"`        // 0: off
	TopP          float64 `json:"topP"`        // 0 or 1: off
	MinP          float64 `json:"minP"`        // 0: off
	RepeatPenalty float64 `json:"repeatPenalty"`
	Seed          int64   `json:"seed"`      // 0: random
	MaxTokens     int     `json:"maxTokens"` // 0: until the model stops or the context is full
}

// MessageStats are an answer's numbers as shown under it.
type MessageStats struct {
	PromptTokens        int     `json:"promptTokens"`
	CachedTokens        int     `json:"cachedTokens"`
	GeneratedTokens     int     `json:"generatedTokens"`
	PrefillTokensPerSec float64 `json:"prefillTokensPerSec"`
	TokensPerSec        float64 `json:"tokensPerSec"`
	Stopped             bool    `json:"stopped"`
	// Cut is true when a remote engine's stream broke off mid-answer: the
	// text is what arrived before the drop.
	Cut bool `json:"cut"`
}

// MessageView is one message of the active branch with its place among
// its siblings (the branch navigator's "2 / 3").
type MessageView struct {
	ID           int64         `json:"id"`
	ParentID     int64         `json:"parentId"`
	Role         string        `json:"role"`
	Content      string        `json:"content"`
	CreatedAt    int64         `json:"createdAt"`
	SiblingIndex int           `json:"siblingIndex"`
	SiblingCount int           `json:"siblingCount"`
	SiblingIDs   []int64       `json:"siblingIds"`
	Stats        *MessageStats `json:"stats,omitempty"`
}

// ConversationView is a conversation with its active branch, root first.
type ConversationView struct {
	Conversation ConversationSummary  `json:"conversation"`
	SystemPrompt string               `json:"systemPrompt"`
	Settings     ConversationSettings `json:"settings"`
	Messages     []MessageView        `json:"messages"`
}

// SearchHit is a message matching a search; Snippet marks the matches with
// \u0002 and \u0003.
type SearchHit struct {
	ConversationID int64  `json:"conversationId"`
	MessageID      int64  `json:"messageId"`
	Title          string `json:"title"`
	Snippet        string `json:"snippet"`
}

func summary(c storage.Conversation) ConversationSummary {
	return ConversationSummary{ID: c.ID, Title: c.Title, Model: c.Model, Pinned: c.Pinned, UpdatedAt: c.UpdatedAt, CreatedAt: c.CreatedAt}
}

func conversationSettings(c storage.Conversation) ConversationSettings {
	s := c.Settings
	return ConversationSettings{
		SystemPrompt: c.SystemPrompt, Temperature: s.Temperature, TopK: s.TopK, TopP: s.TopP, MinP: s.MinP,
		RepeatPenalty: s.RepeatPenalty, Seed: s.Seed, MaxTokens: s.MaxTokens,
	}
}

func generationSettings(s ConversationSettings) storage.GenerationSettings {
	return storage.GenerationSettings{
		Temperature: s.Temperature, TopK: s.TopK, TopP: s.TopP, MinP: s.MinP,
		RepeatPenalty: s.RepeatPenalty, Seed: s.Seed, MaxTokens: s.MaxTokens,
	}
}

func validateConversationSettings(s ConversationSettings) error {
	switch {
	case s.Temperature < 0 || s.Temperature > 5 || math.IsNaN(s.Temperature):
		return errors.New("Temperature must be between 0 and 5")
	case s.TopK < 0:
		return errors.New("Top-k cannot be negative")
	case s.TopP < 0 || s.TopP > 1:
		return errors.New("Top-p must be between 0 and 1")
	case s.MinP < 0 || s.MinP > 1:
		return errors.New("Min-p must be between 0 and 1")
	case s.RepeatPenalty < 0:
		return errors.New("The repetition penalty cannot be negative")
	case s.MaxTokens < 0:
		return errors.New("The answer length cannot be negative")
	}
	return nil
}

// statsView derives the speeds shown under an answer from stored stats.
func statsView(s storage.GenerationStats) MessageStats {
	v := MessageStats{
		PromptTokens: s.PromptTokens, CachedTokens: s.CachedTokens, GeneratedTokens: s.CompletionTokens,
		Stopped: s.StopReason == stopUser, Cut: s.StopReason == stopDropped,
	}
	if s.PrefillMS > 0 {
		v.PrefillTokensPerSec = float64(s.PromptTokens-s.CachedTokens) * 1000 / float64(s.PrefillMS)
	}
	if s.DecodeMS > 0 {
		v.TokensPerSec = float64(s.CompletionTokens) * 1000 / float64(s.DecodeMS)
	}
	return v
}

// ListConversations returns the conversations not in the trash, pinned
// first, then most recently updated.
func (a *App) ListConversations() ([]ConversationSummary, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	cs, err := db.ListConversations(context.Background())
	if err != nil {
		return nil, err
	}
	out := make([]ConversationSummary, 0, len(cs))
	for _, c := range cs {
		out = append(out, summary(c))
	}
	return out, nil
}

// NewConversation starts an empty conversation with the default settings.
func (a *App) NewConversation() (ConversationSummary, error) {
	db, err := a.store()
	if err != nil {
		return ConversationSummary{}, err
	}
	ctx := context.Background()
	set, err := loadSettings(ctx, db, a.cfg.DataDir)
	if err != nil {
		return ConversationSummary{}, err
	}
	var model string
	if lm, err := a.loaded(); err == nil {
		model = lm.name
	}
	c, err := db.CreateConversation(ctx, storage.NewConversation{
		Title: newConversationTitle, Model: model, SystemPrompt: set.Defaults.SystemPrompt,
		Settings: generationSettings(set.Defaults),
	})
	if err != nil {
		return ConversationSummary{}, err
	}
	return summary(c), nil
}

// RenameConversation sets a conversation's title.
func (a *App) RenameConversation(id int64, title string) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	title = strings.TrimSpace(title)
	if title == "" {
		return errors.New("The title is empty")
	}
	return db.RenameConversation(context.Background(), id, title)
}

// PinConversation pins or unpins a conversation at the top of the list.
func (a *App) PinConversation(id int64, pinned bool) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	return db.SetPinned(context.Background(), id, pinned)
}

// DeleteConversation moves a conversation to the trash; RestoreConversation
// undoes it.
func (a *App) DeleteConversation(id int64) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	if a.generatingIn(id) {
		a.stopAndWait()
	}
	return db.DeleteConversation(context.Background(), id)
}

// RestoreConversation brings a deleted conversation back.
func (a *App) RestoreConversation(id int64) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	return db.RestoreConversation(context.Background(), id)
}

// GetConversation returns a conversation's active branch, root first, with
// each message's siblings.
func (a *App) GetConversation(id int64) (ConversationView, error) {
	db, err := a.store()
	if err != nil {
		return ConversationView{}, err
	}
	ctx := context.Background()
	c, err := getConversation(ctx, db, id)
	if err != nil {
		return ConversationView{}, err
	}
	v := ConversationView{Conversation: summary(c), SystemPrompt: c.SystemPrompt, Settings: conversationSettings(c), Messages: []MessageView{}}
	if c.ActiveLeafID == 0 {
		return v, nil
	}
	path, err := db.BranchPath(ctx, c.ActiveLeafID)
	if err != nil {
		return ConversationView{}, err
	}
	for _, m := range path {
		if m.Role == storage.RoleSystem {
			continue
		}
		sibs, err := db.Siblings(ctx, m.ID)
		if err != nil {
			return ConversationView{}, err
		}
		mv := MessageView{ID: m.ID, ParentID: m.ParentID, Role: m.Role, Content: m.Content, CreatedAt: m.CreatedAt, SiblingCount: len(sibs)}
		for i, s := range sibs {
			mv.SiblingIDs = append(mv.SiblingIDs, s.ID)
			if s.ID == m.ID {
				mv.SiblingIndex = i
			}
		}
		if m.Role == storage.RoleAssistant {
			st := statsView(m.Stats)
			mv.Stats = &st
		}
		v.Messages = append(v.Messages, mv)
	}
	return v, nil
}

// UpdateConversationSettings sets a conversation's system prompt and
// sampling; they apply from the next answer on.
func (a *App) UpdateConversationSettings(id int64, s ConversationSettings) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	if err := validateConversationSettings(s); err != nil {
		return err
	}
	ctx := context.Background()
	c, err := getConversation(ctx, db, id)
	if err != nil {
		return err
	}
	return db.UpdateConversationSettings(ctx, id, c.Model, s.SystemPrompt, generationSettings(s))
}

// SearchMessages finds messages containing every word of query.
func (a *App) SearchMessages(query string) ([]SearchHit, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	hits, err := db.Search(context.Background(), query, searchLimit)
	if err != nil {
		return nil, err
	}
	out := make([]SearchHit, 0, len(hits))
	for _, h := range hits {
		out = append(out, SearchHit{ConversationID: h.ConversationID, MessageID: h.MessageID, Title: h.Title, Snippet: h.Snippet})
	}
	return out, nil
}

// ExportConversation renders a conversation as "markdown" (the active
// branch, for reading) or "json" (the whole tree, for ImportConversationJSON).
func (a *App) ExportConversation(id int64, format string) (string, error) {
	db, err := a.store()
	if err != nil {
		return "", err
	}
	var b []byte
	switch format {
	case "markdown":
		b, err = db.ExportMarkdown(context.Background(), id)
	case "json":
		b, err = db.ExportJSON(context.Background(), id)
	default:
		return "", fmt.Errorf("Unknown export format %q: choose markdown or json", format)
	}
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// ImportConversationJSON adds a conversation exported as JSON and returns
// its new id.
func (a *App) ImportConversationJSON(content string) (int64, error) {
	db, err := a.store()
	if err != nil {
		return 0, err
	}
	id, err := db.ImportJSON(context.Background(), []byte(content))
	if err != nil {
		return 0, fmt.Errorf("This file is not a Hearth conversation export: %w", err)
	}
	return id, nil
}
