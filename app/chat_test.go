package app

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// greedy is deterministic sampling with a short answer.
var greedy = ConversationSettings{Temperature: 0, MaxTokens: 12}

// newChat opens an App with the tiny model loaded and one conversation
// using settings s.
func newChat(t *testing.T, dataDir string, s ConversationSettings) (*App, *recorder, int64) {
	t.Helper()
	a, rec := openApp(t, dataDir, Config{})
	loadTiny(t, a, rec)
	c, err := a.NewConversation()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.UpdateConversationSettings(c.ID, s); err != nil {
		t.Fatal(err)
	}
	return a, rec, c.ID
}

// waitDone waits for the chat:done or chat:error of an answer.
func waitDone(t testing.TB, rec *recorder, msgID int64) DoneEvent {
	t.Helper()
	var done DoneEvent
	rec.waitFor(t, "the answer", func() bool {
		for _, e := range rec.named(EventChatError) {
			if ev := e.(ErrorEvent); ev.AssistantMessageID == msgID {
				t.Fatalf("chat:error: %s", ev.Error)
			}
		}
		for _, e := range rec.named(EventChatDone) {
			if ev := e.(DoneEvent); ev.AssistantMessageID == msgID {
				done = ev
				return true
			}
		}
		return false
	})
	return done
}

// streamed joins the chat:token texts of an answer, checking that they
// are numbered 1, 2, 3….
func streamed(t *testing.T, rec *recorder, msgID int64) string {
	t.Helper()
	var b strings.Builder
	seq := 0
	for _, e := range rec.named(EventChatToken) {
		if ev := e.(TokenEvent); ev.AssistantMessageID == msgID {
			if seq++; ev.Seq != seq {
				t.Fatalf("chat:token seq %d, want %d", ev.Seq, seq)
			}
			b.WriteString(ev.Text)
		}
	}
	return b.String()
}

// tokenEvents counts the chat:token events of an answer.
func tokenEvents(rec *recorder, msgID int64) int {
	n := 0
	for _, e := range rec.named(EventChatToken) {
		if e.(TokenEvent).AssistantMessageID == msgID {
			n++
		}
	}
	return n
}

func TestSendStreamsAndSaves(t *testing.T) {
	a, rec, conv := newChat(t, t.TempDir(), greedy)
	res, err := a.SendMessage(conv, "Tell me about the hearth and the fire in it please")
	if err != nil {
		t.Fatal(err)
	}
	done := waitDone(t, rec, res.AssistantMessageID)
	text := streamed(t, rec, res.AssistantMessageID)
	if text == "" || done.Stopped {
		t.Fatalf("streamed %q, done %+v", text, done)
	}
	st := done.Stats
	if st.GeneratedTokens < 1 || st.GeneratedTokens > greedy.MaxTokens || st.PromptTokens < 10 || st.TokensPerSec <= 0 {
		t.Fatalf("stats = %+v", st)
	}
	var last PrefillEvent
	for _, e := range rec.named(EventChatPrefill) {
		last = e.(PrefillEvent)
	}
	if last.Done != st.PromptTokens || last.Total != st.PromptTokens {
		t.Errorf("last prefill event %+v, prompt %d tokens", last, st.PromptTokens)
	}
	view, err := a.GetConversation(conv)
	if err != nil {
		t.Fatal(err)
	}
	if view.Conversation.Model != "tiny-llama4-scout" {
		t.Errorf("conversation model = %q", view.Conversation.Model)
	}
	if view.Conversation.Title != "Tell me about the hearth and…" {
		t.Errorf("title = %q", view.Conversation.Title)
	}
	if len(view.Messages) != 2 || view.Messages[0].Role != "user" || view.Messages[1].Content != text ||
		view.Messages[1].Stats == nil || view.Messages[1].Stats.GeneratedTokens != st.GeneratedTokens {
		t.Fatalf("view = %+v", view)
	}
	// The counter: the conversation so far plus the draft and its turn.
	tc, err := a.CountTokens(conv, "and the smoke")
	if err != nil {
		t.Fatal(err)
	}
	if tc.Context != 8192 || tc.Draft < 2 || tc.Conversation < st.PromptTokens || tc.Total <= tc.Conversation+tc.Draft {
		t.Errorf("CountTokens = %+v (prompt was %d)", tc, st.PromptTokens)
	}
	// A chat not created yet counts just its draft.
	fresh, err := a.CountTokens(0, "and the smoke")
	if err != nil || fresh.Draft != tc.Draft || fresh.Conversation != 0 || fresh.Total <= fresh.Draft {
		t.Errorf("CountTokens(0) = %+v, %v", fresh, err)
	}
	// The second turn reuses the session's tokens.
	res2, err := a.SendMessage(conv, "More")
	if err != nil {
		t.Fatal(err)
	}
	done2 := waitDone(t, rec, res2.AssistantMessageID)
	if done2.Stats.CachedTokens < st.PromptTokens {
		t.Errorf("second turn reused %d tokens, want ≥ %d", done2.Stats.CachedTokens, st.PromptTokens)
	}
}

func TestStopKeepsPartial(t *testing.T) {
	a, rec, conv := newChat(t, t.TempDir(), ConversationSettings{Temperature: 0})
	res, err := a.SendMessage(conv, "Go on forever")
	if err != nil {
		t.Fatal(err)
	}
	// The answer is saved every 32 tokens while it streams: once the 33rd
	// token's event is out, the save after the 32nd has returned.
	rec.waitFor(t, "33 tokens", func() bool { return tokenEvents(rec, res.AssistantMessageID) >= saveEveryTokens+1 })
	partial, err := a.db.GetMessage(context.Background(), res.AssistantMessageID)
	if err != nil {
		t.Fatal(err)
	}
	if partial.Content == "" || partial.TokenCount < saveEveryTokens {
		t.Fatalf("mid-stream the stored answer is %q (%d tokens)", partial.Content, partial.TokenCount)
	}
	if err := a.StopGeneration(); err != nil {
		t.Fatal(err)
	}
	done := waitDone(t, rec, res.AssistantMessageID)
	if !done.Stopped || !done.Stats.Stopped {
		t.Fatalf("done = %+v, want stopped", done)
	}
	msg, err := a.db.GetMessage(context.Background(), res.AssistantMessageID)
	if err != nil {
		t.Fatal(err)
	}
	if msg.Content == "" || msg.Content != streamed(t, rec, res.AssistantMessageID) || msg.Stats.StopReason != stopUser {
		t.Fatalf("saved %q (%+v), streamed %q", msg.Content, msg.Stats, streamed(t, rec, res.AssistantMessageID))
	}
}

func TestRegenerateEditAndSwitch(t *testing.T) {
	a, rec, conv := newChat(t, t.TempDir(), ConversationSettings{Temperature: 1, Seed: 7, MaxTokens: 6})
	first, err := a.SendMessage(conv, "Hello there")
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, rec, first.AssistantMessageID)
	regen, err := a.Regenerate(conv, first.AssistantMessageID)
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, rec, regen.AssistantMessageID)
	view, err := a.GetConversation(conv)
	if err != nil {
		t.Fatal(err)
	}
	answer := view.Messages[1]
	if answer.ID != regen.AssistantMessageID || answer.SiblingCount != 2 || answer.SiblingIndex != 1 ||
		!slices.Equal(answer.SiblingIDs, []int64{first.AssistantMessageID, regen.AssistantMessageID}) {
		t.Fatalf("after regenerate: %+v", answer)
	}

	edit, err := a.EditMessage(conv, first.UserMessageID, "Hello again")
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, rec, edit.AssistantMessageID)
	view, err = a.GetConversation(conv)
	if err != nil {
		t.Fatal(err)
	}
	if len(view.Messages) != 2 || view.Messages[0].Content != "Hello again" || view.Messages[0].SiblingCount != 2 ||
		view.Messages[1].ID != edit.AssistantMessageID {
		t.Fatalf("after edit: %+v", view.Messages)
	}
	// Back to the first branch: its newest answer (the regenerated one).
	view, err = a.SwitchBranch(conv, first.UserMessageID)
	if err != nil {
		t.Fatal(err)
	}
	if view.Messages[0].ID != first.UserMessageID || view.Messages[0].SiblingIndex != 0 || view.Messages[1].ID != regen.AssistantMessageID {
		t.Fatalf("after SwitchBranch: %+v", view.Messages)
	}
	// Generating on the old branch again re-prefills it.
	more, err := a.SendMessage(conv, "Continue")
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, rec, more.AssistantMessageID)
	path, err := a.db.BranchPath(context.Background(), more.AssistantMessageID)
	if err != nil {
		t.Fatal(err)
	}
	if len(path) != 4 || path[1].ID != regen.AssistantMessageID {
		t.Fatalf("branch after switch = %v", path)
	}
	if _, err := a.EditMessage(conv, regen.AssistantMessageID, "x"); err == nil {
		t.Error("EditMessage accepted an assistant message")
	}
}

func TestSendNeedsModel(t *testing.T) {
	a, _ := openApp(t, t.TempDir(), Config{})
	c, err := a.NewConversation()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SendMessage(c.ID, "hi"); err == nil || !strings.Contains(err.Error(), "No model is loaded") {
		t.Fatalf("SendMessage without a model = %v", err)
	}
	if tc, err := a.CountTokens(c.ID, "hi"); err != nil || tc != (TokenCount{}) {
		t.Fatalf("CountTokens without a model = %+v, %v", tc, err)
	}
}

// TestRestartRestoresFromCache checks that a conversation reopened in a
// new App (a restart) is prefilled from the KV snapshot pages the first
// one saved.
func TestRestartRestoresFromCache(t *testing.T) {
	dir := t.TempDir()
	a, rec, conv := newChat(t, dir, greedy)
	long := strings.Repeat("the fire in the hearth keeps the house warm through the winter night ", 30)
	res, err := a.SendMessage(conv, long)
	if err != nil {
		t.Fatal(err)
	}
	first := waitDone(t, rec, res.AssistantMessageID)
	if first.Stats.PromptTokens < 300 {
		t.Fatalf("prompt of %d tokens is too short to fill a snapshot page", first.Stats.PromptTokens)
	}
	a.shutdown(context.Background())

	b, rec2 := openApp(t, dir, Config{})
	loadTiny(t, b, rec2)
	list, err := b.ListConversations()
	if err != nil || len(list) != 1 || list[0].ID != conv {
		t.Fatalf("conversations after restart = %+v, %v", list, err)
	}
	res2, err := b.SendMessage(conv, "And in spring?")
	if err != nil {
		t.Fatal(err)
	}
	done := waitDone(t, rec2, res2.AssistantMessageID)
	if done.Stats.CachedTokens < 256 {
		t.Fatalf("second prefill took %d tokens from the cache, want at least a page (256)", done.Stats.CachedTokens)
	}
	pre := rec2.named(EventChatPrefill)
	if ev := pre[0].(PrefillEvent); ev.CachedTokens != done.Stats.CachedTokens || ev.Done != ev.CachedTokens {
		t.Errorf("first chat:prefill %+v, stats cached %d", ev, done.Stats.CachedTokens)
	}
	if ev := pre[len(pre)-1].(PrefillEvent); ev.Done != ev.Total || ev.Total != done.Stats.PromptTokens || ev.EtaMS != 0 {
		t.Errorf("last chat:prefill %+v, prompt %d tokens", ev, done.Stats.PromptTokens)
	}
	// The first App's prefill of the long prompt reported progress in
	// chunks, with a time estimate while tokens were left.
	first1 := rec.named(EventChatPrefill)
	if len(first1) < 3 {
		t.Errorf("%d chat:prefill events for a %d-token prompt, want one per %d tokens", len(first1), first.Stats.PromptTokens, prefillChunk)
	}
	if ev := first1[1].(PrefillEvent); ev.Done != prefillChunk || ev.EtaMS < 0 {
		t.Errorf("second chat:prefill = %+v", ev)
	}
	msg, err := b.db.GetMessage(context.Background(), res2.AssistantMessageID)
	if err != nil || msg.Stats.CachedTokens != done.Stats.CachedTokens || msg.Stats.StopReason == "" {
		t.Fatalf("saved stats %+v, %v", msg.Stats, err)
	}
}

// TestSwitchConversationRestores goes back to a long conversation after
// another one replaced it in the session: its prefix comes back from the
// snapshot cache instead of being recomputed.
func TestSwitchConversationRestores(t *testing.T) {
	a, rec, long := newChat(t, t.TempDir(), greedy)
	res, err := a.SendMessage(long, strings.Repeat("embers glow softly under the ash until morning ", 40))
	if err != nil {
		t.Fatal(err)
	}
	first := waitDone(t, rec, res.AssistantMessageID)
	other, err := a.NewConversation()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.UpdateConversationSettings(other.ID, greedy); err != nil {
		t.Fatal(err)
	}
	short, err := a.SendMessage(other.ID, "Something else")
	if err != nil {
		t.Fatal(err)
	}
	if d := waitDone(t, rec, short.AssistantMessageID); d.Stats.CachedTokens >= 256 {
		t.Fatalf("an unrelated conversation reused %d tokens", d.Stats.CachedTokens)
	}
	back, err := a.SendMessage(long, "Back again")
	if err != nil {
		t.Fatal(err)
	}
	done := waitDone(t, rec, back.AssistantMessageID)
	pages := first.Stats.PromptTokens / 256
	if done.Stats.CachedTokens < pages*256 {
		t.Fatalf("returning restored %d tokens, want at least %d (%d whole pages of the first prompt)", done.Stats.CachedTokens, pages*256, pages)
	}
}
