package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"hearth/app/kvcache"
	"hearth/engine"
	"hearth/engine/chat"
	"hearth/engine/sample"
	"hearth/storage"
)

// Stop reasons stored with an answer.
const (
	stopEOS         = "eos"
	stopLength      = "length"
	stopUser        = "stopped"
	stopContextFull = "context_full"
	stopError       = "error"
)

// How often a growing answer is saved: whichever comes first.
const (
	saveEvery       = 500 * time.Millisecond
	saveEveryTokens = 32
)

// prefillChunk is how many tokens are fed between progress reports and
// checks for a cancel.
const prefillChunk = 256

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

// generate prefills the branch ending at asst's parent and streams the
// answer into asst, then saves the session's new KV pages. It returns the
// final event: "chat:done" or "chat:error".
func (a *App) generate(ctx context.Context, conv storage.Conversation, lm *loadedModel, asst storage.Message) (string, any) {
	failed := func(e error) (string, any) {
		return EventChatError, ErrorEvent{ConversationID: conv.ID, AssistantMessageID: asst.ID, Error: e.Error()}
	}
	settings := conversationSettings(conv)
	msgs, err := a.chatMessages(context.Background(), a.db, conv, asst.ParentID)
	if err != nil {
		return failed(err)
	}
	p, err := chat.Encode(lm.format, lm.tok, msgs, true, nil, chat.LayoutTransformers)
	if err != nil {
		return failed(err)
	}
	stats := storage.GenerationStats{Model: lm.name, PromptTokens: len(p.IDs)}
	w := &answer{a: a, msgID: asst.ID, savedAt: time.Now()}
	finish := func(reason string, genErr error) (string, any) {
		w.save(true)
		stats.CompletionTokens, stats.StopReason = w.tokens, reason
		if err := a.db.UpdateMessageStats(context.Background(), asst.ID, stats); err != nil {
			a.logf("hearth: save stats of %d: %v", asst.ID, err)
		}
		a.saveSnapshot(lm)
		if genErr != nil {
			return failed(genErr)
		}
		return EventChatDone, DoneEvent{
			ConversationID: conv.ID, AssistantMessageID: asst.ID, Stats: statsView(stats), Stopped: reason == stopUser,
		}
	}

	start := time.Now()
	cached, err := a.prefill(ctx, lm, p.IDs, func(done, cached int, eta time.Duration) {
		a.events.Emit(EventChatPrefill, PrefillEvent{
			ConversationID: conv.ID, AssistantMessageID: asst.ID, Done: done, Total: len(p.IDs),
			CachedTokens: cached, EtaMS: eta.Milliseconds(),
		})
	})
	stats.CachedTokens, stats.PrefillMS = cached, ceilMS(time.Since(start))
	switch {
	case ctx.Err() != nil:
		return finish(stopUser, nil)
	case errors.Is(err, engine.ErrContextFull):
		return finish(stopContextFull, fmt.Errorf("The conversation no longer fits the model's context of %d tokens: start a new conversation or raise the context length in Settings", lm.s.ContextLen()))
	case err != nil:
		return finish(stopError, err)
	}

	smp := newSampler(lm.m.VocabSize(), settings)
	dec := lm.tok.NewStreamDecoder()
	decodeStart := time.Now()
	reason := stopEOS
	var genErr error
	seq := 0
	for id, err := range lm.s.Generate(ctx, smp) {
		if err != nil {
			switch {
			case ctx.Err() != nil:
				reason = stopUser
			case errors.Is(err, engine.ErrContextFull):
				reason = stopContextFull
			default:
				reason, genErr = stopError, err
			}
			break
		}
		if slices.Contains(lm.stops, id) || lm.tok.IsEOG(id) {
			break
		}
		w.tokens++
		if piece := dec.Add(id); piece != "" {
			w.text.WriteString(piece)
			seq++
			a.events.Emit(EventChatToken, TokenEvent{ConversationID: conv.ID, AssistantMessageID: asst.ID, Seq: seq, Text: piece})
		}
		w.save(false)
		if settings.MaxTokens > 0 && w.tokens >= settings.MaxTokens {
			reason = stopLength
			break
		}
	}
	if rest := dec.Flush(); rest != "" {
		w.text.WriteString(rest)
		seq++
		a.events.Emit(EventChatToken, TokenEvent{ConversationID: conv.ID, AssistantMessageID: asst.ID, Seq: seq, Text: rest})
	}
	stats.DecodeMS = ceilMS(time.Since(decodeStart))
	return finish(reason, genErr)
}

// prefill brings the session to hold ids: it keeps the prefix the session
// already holds, or restores the longest prefix the snapshot cache holds
// when that is longer, and computes the rest in chunks, reporting progress
// and stopping when ctx ends. It returns how many tokens were not computed.
func (a *App) prefill(ctx context.Context, lm *loadedModel, ids []int32, progress func(done, cached int, eta time.Duration)) (int, error) {
	s := lm.s
	held := s.Tokens()
	common := 0
	// Keep the last prompt token to feed, so that its logits are fresh.
	for common < len(held) && common < len(ids)-1 && held[common] == ids[common] {
		common++
	}
	pages := 0
	P := a.cache.PageTokens()
	if lm.digest != "" {
		n, err := a.db.CountKVPrefix(ctx, lm.digest, kvcache.PrefixHashes(ids[:len(ids)-1], nil, P))
		if err != nil {
			a.logf("hearth: %v", err)
		}
		pages = n
	}
	switch {
	case pages*P > common:
		if err := s.Truncate(0); err != nil {
			return 0, err
		}
		r, err := a.cache.Prefill(ctx, s, lm.digest, kvcache.Input{Tokens: ids[:pages*P]})
		if err != nil {
			return 0, err
		}
		common = r.Restored
	case common < len(held):
		if err := s.Truncate(common); err != nil {
			return 0, err
		}
	}
	cached := s.Pos()
	start := time.Now()
	progress(cached, cached, 0)
	for s.Pos() < len(ids) {
		if err := ctx.Err(); err != nil {
			return cached, err
		}
		end := min(s.Pos()+prefillChunk, len(ids))
		if err := s.Prefill(ids[s.Pos():end]); err != nil {
			return cached, err
		}
		done := s.Pos() - cached
		left := len(ids) - s.Pos()
		eta := time.Duration(float64(time.Since(start)) / float64(done) * float64(left))
		progress(s.Pos(), cached, eta)
	}
	return cached, nil
}

// saveSnapshot stores the session's whole KV pages not yet stored, so that
// the conversation resumes from the cache after a restart.
func (a *App) saveSnapshot(lm *loadedModel) {
	if lm.digest == "" {
		return
	}
	_, err := a.cache.Save(context.Background(), lm.s, lm.digest, nil)
	if err != nil {
		a.logf("hearth: %v", err)
	}
	a.noteSnapshotSave(lm, err)
}

// newSampler builds the sampler chain of a conversation's settings; seed 0
// means a new random seed each time.
func newSampler(vocab int, s ConversationSettings) sample.Sampler {
	seed := uint64(s.Seed)
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	return sample.New(vocab, sample.Options{
		Temperature: float32(s.Temperature), TopK: s.TopK, TopP: float32(s.TopP), MinP: float32(s.MinP),
		RepeatPenalty: float32(s.RepeatPenalty), Seed: seed,
	})
}

// ceilMS rounds a duration up to whole milliseconds, the unit stats are
// stored in, so that work faster than a millisecond (a tiny model) still
// gets a finite speed rather than none.
func ceilMS(d time.Duration) int64 {
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}
