package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"hearth/engine/chat"
	"hearth/storage"
)

// SendResult names the messages a send created.
type SendResult struct {
	ConversationID     int64 `json:"conversationId"`
	UserMessageID      int64 `json:"userMessageId"`
	AssistantMessageID int64 `json:"assistantMessageId"`
}

// TokenCount is how much of the context a conversation and a draft take.
type TokenCount struct {
	Conversation int `json:"conversation"` // the branch so far, template included
	Draft        int `json:"draft"`        // the draft's own tokens
	Total        int `json:"total"`        // the whole prompt if the draft were sent now
	Context      int `json:"context"`      // the loaded model's context length
}

// SendMessage appends the user's message to the conversation's active
// branch and starts generating the answer; the empty answer exists when
// this returns, and "chat:*" events follow.
func (a *App) SendMessage(conversationID int64, text string) (SendResult, error) {
	if strings.TrimSpace(text) == "" {
		return SendResult{}, errors.New("The message is empty")
	}
	db, lm, err := a.readyToGenerate()
	if err != nil {
		return SendResult{}, err
	}
	ctx := context.Background()
	conv, err := getLiveConversation(ctx, db, conversationID)
	if err != nil {
		return SendResult{}, err
	}
	return a.sendUnder(ctx, db, lm, conv, conv.ActiveLeafID, text)
}

// EditMessage adds an edited copy of a user message beside it (a new
// branch) and generates its answer.
func (a *App) EditMessage(conversationID, messageID int64, text string) (SendResult, error) {
	if strings.TrimSpace(text) == "" {
		return SendResult{}, errors.New("The message is empty")
	}
	db, lm, err := a.readyToGenerate()
	if err != nil {
		return SendResult{}, err
	}
	ctx := context.Background()
	conv, orig, err := a.messageOf(ctx, db, conversationID, messageID)
	if err != nil {
		return SendResult{}, err
	}
	if orig.Role != storage.RoleUser {
		return SendResult{}, errors.New("Only your own messages can be edited")
	}
	return a.sendUnder(ctx, db, lm, conv, orig.ParentID, text)
}

// Regenerate generates another answer beside an assistant message.
func (a *App) Regenerate(conversationID, assistantMessageID int64) (SendResult, error) {
	db, lm, err := a.readyToGenerate()
	if err != nil {
		return SendResult{}, err
	}
	ctx := context.Background()
	conv, orig, err := a.messageOf(ctx, db, conversationID, assistantMessageID)
	if err != nil {
		return SendResult{}, err
	}
	if orig.Role != storage.RoleAssistant {
		return SendResult{}, errors.New("Only an answer can be regenerated")
	}
	asst, err := db.AppendMessage(ctx, storage.NewMessage{ConversationID: conv.ID, ParentID: orig.ParentID, Role: storage.RoleAssistant})
	if err != nil {
		return SendResult{}, err
	}
	if err := a.startGeneration(conv, lm, asst); err != nil {
		return SendResult{}, err
	}
	return SendResult{ConversationID: conv.ID, UserMessageID: orig.ParentID, AssistantMessageID: asst.ID}, nil
}

// SwitchBranch makes the newest leaf under messageId the conversation's
// active branch and returns the conversation as it now reads. The model's
// session follows at the next generation (restoring from the KV snapshot
// cache what it can).
func (a *App) SwitchBranch(conversationID, messageID int64) (ConversationView, error) {
	db, err := a.store()
	if err != nil {
		return ConversationView{}, err
	}
	ctx := context.Background()
	if _, _, err := a.messageOf(ctx, db, conversationID, messageID); err != nil {
		return ConversationView{}, err
	}
	if a.generatingIn(conversationID) {
		return ConversationView{}, errors.New("Stop the reply being generated before switching branches")
	}
	leaf, err := db.LatestLeaf(ctx, messageID)
	if err != nil {
		return ConversationView{}, err
	}
	if err := db.SetActiveLeaf(ctx, conversationID, leaf); err != nil {
		return ConversationView{}, err
	}
	return a.GetConversation(conversationID)
}

// CountTokens says how many tokens the active branch and the draft take
// and how large the context is. Without a loaded model every count is 0.
func (a *App) CountTokens(conversationID int64, draft string) (TokenCount, error) {
	db, err := a.store()
	if err != nil {
		return TokenCount{}, err
	}
	lm, err := a.loaded()
	if err != nil || lm.tok == nil {
		// No model, or a remote one whose tokenizer is not known here.
		return TokenCount{}, nil
	}
	ctx := context.Background()
	// Conversation 0 is a chat not created yet: only the default system
	// prompt precedes the draft.
	var conv storage.Conversation
	if conversationID != 0 {
		if conv, err = getConversation(ctx, db, conversationID); err != nil {
			return TokenCount{}, err
		}
	} else {
		s, err := a.GetSettings()
		if err != nil {
			return TokenCount{}, err
		}
		conv.SystemPrompt = s.Defaults.SystemPrompt
	}
	msgs, err := a.chatMessages(ctx, db, conv, conv.ActiveLeafID)
	if err != nil {
		return TokenCount{}, err
	}
	tc := TokenCount{Context: lm.s.ContextLen()}
	if len(msgs) > 0 {
		p, err := chat.Encode(lm.format, lm.tok, msgs, false, nil, chat.LayoutTransformers)
		if err != nil {
			return TokenCount{}, err
		}
		tc.Conversation = len(p.IDs)
	}
	tc.Draft = len(lm.tok.Encode(draft, false, false))
	p, err := chat.Encode(lm.format, lm.tok, append(msgs, chat.Message{Role: "user", Content: draft}), true, nil, chat.LayoutTransformers)
	if err != nil {
		return TokenCount{}, err
	}
	tc.Total = len(p.IDs)
	return tc, nil
}

// readyToGenerate checks that a generation can start now.
func (a *App) readyToGenerate() (*storage.DB, *loadedModel, error) {
	db, err := a.store()
	if err != nil {
		return nil, nil, err
	}
	lm, err := a.loaded()
	if err != nil {
		return nil, nil, err
	}
	if a.generating() {
		return nil, nil, errors.New("A reply is still being generated: stop it first")
	}
	return db, lm, nil
}

// messageOf returns a live conversation and one of its messages.
func (a *App) messageOf(ctx context.Context, db *storage.DB, conversationID, messageID int64) (storage.Conversation, storage.Message, error) {
	conv, err := getLiveConversation(ctx, db, conversationID)
	if err != nil {
		return conv, storage.Message{}, err
	}
	m, err := getMessage(ctx, db, messageID)
	if err != nil {
		return conv, m, err
	}
	if m.ConversationID != conversationID {
		return conv, m, fmt.Errorf("Message %d is not part of conversation %d", messageID, conversationID)
	}
	return conv, m, nil
}

// sendUnder adds a user message under parent, titles a new conversation
// after it, adds the empty answer and starts generating it.
func (a *App) sendUnder(ctx context.Context, db *storage.DB, lm *loadedModel, conv storage.Conversation, parent int64, text string) (SendResult, error) {
	user, err := db.AppendMessage(ctx, storage.NewMessage{ConversationID: conv.ID, ParentID: parent, Role: storage.RoleUser, Content: text})
	if err != nil {
		return SendResult{}, err
	}
	if conv.Title == "" || conv.Title == newConversationTitle {
		if err := db.RenameConversation(ctx, conv.ID, titleFrom(text)); err != nil {
			return SendResult{}, err
		}
	}
	asst, err := db.AppendMessage(ctx, storage.NewMessage{ConversationID: conv.ID, ParentID: user.ID, Role: storage.RoleAssistant})
	if err != nil {
		return SendResult{}, err
	}
	if err := a.startGeneration(conv, lm, asst); err != nil {
		return SendResult{}, err
	}
	return SendResult{ConversationID: conv.ID, UserMessageID: user.ID, AssistantMessageID: asst.ID}, nil
}

// chatMessages is the branch ending at leaf as the chat format takes it,
// the system message first: the conversation's context (folder or
// document) if it has one, then its system prompt.
func (a *App) chatMessages(ctx context.Context, db *storage.DB, conv storage.Conversation, leaf int64) ([]chat.Message, error) {
	var msgs []chat.Message
	system, err := a.contextText(ctx, db, conv)
	if err != nil {
		return nil, err
	}
	if system == "" {
		system = conv.SystemPrompt
	}
	if system != "" {
		msgs = append(msgs, chat.Message{Role: "system", Content: system})
	}
	if leaf == 0 {
		return msgs, nil
	}
	path, err := db.BranchPath(ctx, leaf)
	if err != nil {
		return nil, err
	}
	for _, m := range path {
		msgs = append(msgs, chat.Message{Role: m.Role, Content: m.Content})
	}
	return msgs, nil
}

// titleWords is how many words of the first message make a title.
const titleWords = 6

// titleMaxRunes bounds a title made of long words.
const titleMaxRunes = 60

// titleFrom makes a conversation title of the first words of a message,
// cut at a word boundary, with an ellipsis when words were left out.
func titleFrom(text string) string {
	words := strings.Fields(text)
	if len(words) == 0 {
		return newConversationTitle
	}
	cut := len(words) > titleWords
	words = words[:min(len(words), titleWords)]
	title := strings.Join(words, " ")
	if r := []rune(title); len(r) > titleMaxRunes {
		title = strings.TrimSpace(string(r[:titleMaxRunes]))
		if i := strings.LastIndex(title, " "); i > titleMaxRunes/2 {
			title = title[:i]
		}
		cut = true
	}
	if cut {
		title = strings.TrimRight(title, ".,;:!?-") + "…"
	}
	return title
}
