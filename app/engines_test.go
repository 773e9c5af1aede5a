package app

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRemoteEngineChat makes one App's local API the remote engine of
// another: the second chats through it with the same answer the first
// gives locally, and the key file stays private.
func TestRemoteEngineChat(t *testing.T) {
	host, hrec, hc := newChat(t, t.TempDir(), greedy)
	st, err := host.StartAPI(0)
	if err != nil || !st.Running || st.Model != "tiny-llama4-scout" || !strings.HasPrefix(st.URL, "http://127.0.0.1:") {
		t.Fatalf("StartAPI = %+v, %v", st, err)
	}
	defer host.StopAPI()
	local, err := host.SendMessage(hc, "Tell me about embers")
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, hrec, local.AssistantMessageID)
	want := streamed(t, hrec, local.AssistantMessageID)

	dir := t.TempDir()
	a, rec := openApp(t, dir, Config{})
	e, err := a.AddEngine(strings.TrimSuffix(st.URL, "/v1"), "secret-key")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Models) != 1 || e.Models[0] != "tiny-llama4-scout" || !e.HasKey || e.Host == "" {
		t.Fatalf("engine %+v", e)
	}
	fi, err := os.Stat(filepath.Join(dir, enginesFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("engines file %v, %v", fi, err)
	}
	if err := a.UseRemoteModel(e.ID, "tiny-llama4-scout"); err != nil {
		t.Fatal(err)
	}
	if s := a.Status(); !s.ModelLoaded || s.RemoteHost != e.Host || s.ModelName != "tiny-llama4-scout" {
		t.Fatalf("status %+v", s)
	}
	c, err := a.NewConversation()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.UpdateConversationSettings(c.ID, greedy); err != nil {
		t.Fatal(err)
	}
	res, err := a.SendMessage(c.ID, "Tell me about embers")
	if err != nil {
		t.Fatal(err)
	}
	done := waitDone(t, rec, res.AssistantMessageID)
	if got := streamed(t, rec, res.AssistantMessageID); got != want || done.Stats.GeneratedTokens != greedy.MaxTokens {
		t.Fatalf("remote answer %q (%+v), local %q", got, done.Stats, want)
	}
	// The answer is in history and search like a local one.
	v, err := a.GetConversation(c.ID)
	if err != nil || len(v.Messages) != 2 || v.Messages[1].Content != want {
		t.Fatalf("conversation %+v, %v", v, err)
	}
	// A regenerate makes a branch, as locally.
	if _, err := a.Regenerate(c.ID, res.AssistantMessageID); err != nil {
		t.Fatal(err)
	}
}

// TestRemoteEngineDropKeepsPartial: a stream that breaks off mid-answer
// leaves the partial answer saved, marked dropped, with the error shown.
func TestRemoteEngineDropKeepsPartial(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/models" {
			fmt.Fprint(w, `{"object":"list","data":[{"id":"big","object":"model"}]}`)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{\"content\":\"Half an ans\"}}]}\n\n")
		w.(http.Flusher).Flush()
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
	}))
	defer ts.Close()
	a, rec := openApp(t, t.TempDir(), Config{})
	e, err := a.AddEngine(ts.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.UseRemoteModel(e.ID, "big"); err != nil {
		t.Fatal(err)
	}
	c, _ := a.NewConversation()
	res, err := a.SendMessage(c.ID, "hi")
	if err != nil {
		t.Fatal(err)
	}
	var ev ErrorEvent
	rec.waitFor(t, "chat:error", func() bool {
		for _, e := range rec.named(EventChatError) {
			ev = e.(ErrorEvent)
			return true
		}
		return false
	})
	if !strings.Contains(ev.Error, "dropped mid-answer") {
		t.Fatalf("error %q", ev.Error)
	}
	v, err := a.GetConversation(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	m := v.Messages[len(v.Messages)-1]
	if m.ID != res.AssistantMessageID || m.Content != "Half an ans" || m.Stats == nil || !m.Stats.Cut {
		t.Fatalf("saved %+v", m)
	}
	// A refused key is refused at once when adding.
	if _, err := a.AddEngine("http://127.0.0.1:1", ""); err == nil || !strings.Contains(err.Error(), "Cannot reach") {
		t.Fatalf("unreachable engine: %v", err)
	}
}
