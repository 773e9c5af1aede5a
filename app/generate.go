package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"hearth/app/chatgen"
	"hearth/storage"
)

// Stop reasons stored with an answer.
const (
	stopEOS         = "eos"
	stopLength      = "length"
	stopUser        = "stopped"
	stopContextFull = "context_full"
	stopError       = "error"
	// stopDropped marks an answer cut off by a remote engine's broken
	// stream; its partial text is kept.
	stopDropped = chatgen.StopDropped
)

// How often a growing answer is saved: whichever comes first.
const (
	saveEvery       = 500 * time.Millisecond
	saveEveryTokens = 32
)

// prefillChunk is how many tokens are fed between progress reports and
// checks for a cancel (chatgen does the feeding).
const prefillChunk = chatgen.PrefillChunk

// generation is the one answer being generated.
type generation struct {
	conversationID int64
	messageID      int64
	cancel         context.CancelFunc
	done           chan struct{}
}

// StopGeneration stops the prefill or decoding under way; the partial
// answer is kept and saved, and "chat:done" reports it stopped.
func (a *App) StopGeneration() error {
	a.genMu.Lock()
	defer a.genMu.Unlock()
	if a.gen != nil {
		a.gen.cancel()
	}
	return nil
}

// stopAndWait stops any generation and waits until its goroutine ended.
func (a *App) stopAndWait() {
	a.genMu.Lock()
	g := a.gen
	a.genMu.Unlock()
	if g != nil {
		g.cancel()
		<-g.done
	}
}

func (a *App) generating() bool {
	a.genMu.Lock()
	defer a.genMu.Unlock()
	return a.gen != nil
}

func (a *App) generatingIn(conversationID int64) bool {
	a.genMu.Lock()
	defer a.genMu.Unlock()
	return a.gen != nil && a.gen.conversationID == conversationID
}

// startGeneration runs the answer asst of conv in a goroutine.
func (a *App) startGeneration(conv storage.Conversation, lm *loadedModel, asst storage.Message) error {
	a.genMu.Lock()
	defer a.genMu.Unlock()
	if a.gen != nil {
		return errors.New("A reply is still being generated: stop it first")
	}
	if conv.Model != lm.name {
		// The history list shows which model a conversation last used.
		if err := a.db.UpdateConversationSettings(context.Background(), conv.ID, lm.name, conv.SystemPrompt, conv.Settings); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	g := &generation{conversationID: conv.ID, messageID: asst.ID, cancel: cancel, done: make(chan struct{})}
	a.gen = g
	go func() {
		defer close(g.done)
		name, payload := a.generate(ctx, conv, lm, asst)
		// The next send may follow the final event at once, so the slot is
		// free before it goes out.
		a.genMu.Lock()
		a.gen = nil
		a.genMu.Unlock()
		cancel()
		a.events.Emit(name, payload)
	}()
	return nil
}

// answer accumulates a generated reply and saves it as it grows.
type answer struct {
	a         *App
	msgID     int64
	text      strings.Builder
	tokens    int
	savedAt   time.Time
	savedToks int
}

// save stores the text so far when enough time or tokens passed (always
// when force is set).
func (w *answer) save(force bool) {
	if !force && time.Since(w.savedAt) < saveEvery && w.tokens-w.savedToks < saveEveryTokens {
		return
	}
	if err := w.a.db.UpdateMessageContent(context.Background(), w.msgID, w.text.String(), w.tokens); err != nil {
		w.a.logf("hearth: save answer %d: %v", w.msgID, err)
	}
	w.savedAt, w.savedToks = time.Now(), w.tokens
}

// generate streams the answer asst to the branch ending at its parent
// through the loaded model's generator (chatgen, shared with the local
// API; or a remote engine), saving it as it grows. It returns the final
// event: "chat:done" or "chat:error".
func (a *App) generate(ctx context.Context, conv storage.Conversation, lm *loadedModel, asst storage.Message) (string, any) {
	failed := func(e error) (string, any) {
		return EventChatError, ErrorEvent{ConversationID: conv.ID, AssistantMessageID: asst.ID, Error: e.Error()}
	}
	settings := conversationSettings(conv)
	if err := a.refreshContext(ctx, a.db, conv.ID); err != nil {
		return failed(err)
	}
	msgs, err := a.chatMessages(context.Background(), a.db, conv, asst.ParentID)
	if err != nil {
		return failed(err)
	}
	if err := a.noteContextRead(conv.ID); err != nil {
		return failed(err)
	}
	w := &answer{a: a, msgID: asst.ID, savedAt: time.Now()}
	seq := 0
	req := chatgen.Request{Messages: msgs, Sampling: chatgen.Sampling{
		Temperature: settings.Temperature, TopK: settings.TopK, TopP: settings.TopP, MinP: settings.MinP,
		RepeatPenalty: settings.RepeatPenalty, Seed: settings.Seed,
	}, MaxTokens: settings.MaxTokens}
	res, genErr := lm.gen.Generate(ctx, req, chatgen.Callbacks{
		Prefill: func(done, total, cached int, eta time.Duration) {
			a.events.Emit(EventChatPrefill, PrefillEvent{
				ConversationID: conv.ID, AssistantMessageID: asst.ID, Done: done, Total: total,
				CachedTokens: cached, EtaMS: eta.Milliseconds(),
			})
		},
		Token: func(piece string) {
			w.text.WriteString(piece)
			w.tokens++
			seq++
			a.events.Emit(EventChatToken, TokenEvent{ConversationID: conv.ID, AssistantMessageID: asst.ID, Seq: seq, Text: piece})
			w.save(false)
		},
	})
	if res.CompletionTokens > 0 {
		w.tokens = res.CompletionTokens
	}
	w.save(true)
	stats := storage.GenerationStats{
		Model: lm.name, PromptTokens: res.PromptTokens, CachedTokens: res.CachedTokens,
		PrefillMS: ceilMS(res.PrefillTime), DecodeMS: ceilMS(res.DecodeTime),
		CompletionTokens: w.tokens, StopReason: res.StopReason,
	}
	if err := a.db.UpdateMessageStats(context.Background(), asst.ID, stats); err != nil {
		a.logf("hearth: save stats of %d: %v", asst.ID, err)
	}
	if res.StopReason == stopContextFull {
		genErr = fmt.Errorf("The conversation no longer fits the model's context of %d tokens: start a new conversation or raise the context length in Settings", lm.gen.Describe().ContextLen)
	}
	if genErr != nil {
		return failed(genErr)
	}
	return EventChatDone, DoneEvent{
		ConversationID: conv.ID, AssistantMessageID: asst.ID, Stats: statsView(stats), Stopped: res.StopReason == stopUser,
	}
}

// ceilMS rounds a duration up to whole milliseconds, the unit stats are
// stored in, so that work faster than a millisecond (a tiny model) still
// gets a finite speed rather than none.
func ceilMS(d time.Duration) int64 {
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}
