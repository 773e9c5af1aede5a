package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"hearth/app/chatgen"
	"hearth/engine/chat"
)

var hello = chatgen.Request{Messages: []chat.Message{{Role: "user", Content: "hello"}}, MaxTokens: 8}

func remoteOf(url string) *Remote {
	return &Remote{BaseURL: url + "/v1", Model: "m", APIKey: "k"}
}

func wantRemoteError(t *testing.T, err error, kind string, text string) *RemoteError {
	t.Helper()
	var re *RemoteError
	if !errors.As(err, &re) || re.Kind != kind || !strings.Contains(re.Message, text) {
		t.Fatalf("error %v, want a %s error with %q", err, kind, text)
	}
	return re
}

func TestRemoteStatusErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		kind   string
		text   string
	}{
		{401, "auth", "refused the API key"},
		{429, "rate_limit", "Retry after 7"},
		{404, "not_found", "no such model"},
		{500, "server", "failed (500)"},
	} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7")
			writeError(w, &apiError{Status: tc.status, Message: "engine says no", Type: "x"})
		}))
		_, err := remoteOf(ts.URL).Generate(context.Background(), hello, chatgen.Callbacks{})
		re := wantRemoteError(t, err, tc.kind, tc.text)
		if !strings.Contains(re.Message, "engine says no") || re.Status != tc.status {
			t.Errorf("%d: %+v", tc.status, re)
		}
		_, err = remoteOf(ts.URL).ListModels(context.Background())
		wantRemoteError(t, err, tc.kind, tc.text)
		ts.Close()
	}
}

func TestRemoteSendsKeyAndParams(t *testing.T) {
	var auth, body string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		buf := make([]byte, 4096)
		n, _ := r.Body.Read(buf)
		body = string(buf[:n])
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n")
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}\n\n")
		fmt.Fprint(w, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10,\"prompt_tokens_details\":{\"cached_tokens\":4}}}\n\n")
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	defer ts.Close()
	req := hello
	req.Stop = []string{"END"}
	req.Sampling.Seed = 5
	res, err := remoteOf(ts.URL).Generate(context.Background(), req, chatgen.Callbacks{})
	if err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer k" || !strings.Contains(body, `"stop":["END"]`) || !strings.Contains(body, `"seed":5`) || !strings.Contains(body, `"max_tokens":8`) {
		t.Fatalf("auth %q body %s", auth, body)
	}
	if res.Text != "Hi" || res.StopReason != chatgen.StopLength || res.PromptTokens != 9 || res.CachedTokens != 4 {
		t.Fatalf("result %+v", res)
	}
}

// TestRemoteDropped breaks the connection after the first piece: the
// piece is kept and the answer is marked dropped.
func TestRemoteDropped(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n")
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer ts.Close()
	var got string
	res, err := remoteOf(ts.URL).Generate(context.Background(), hello, chatgen.Callbacks{Token: func(p string) { got += p }})
	wantRemoteError(t, err, "dropped", "dropped mid-answer")
	if res.Text != "Hel" || got != "Hel" || res.StopReason != chatgen.StopDropped {
		t.Fatalf("result %+v, streamed %q", res, got)
	}
}

// TestRemoteIdleTimeout: an engine that goes quiet mid-stream is given
// up on after the idle timeout, keeping what came.
func TestRemoteIdleTimeout(t *testing.T) {
	quit := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-quit:
		case <-r.Context().Done():
		}
	}))
	defer ts.Close()
	defer close(quit)
	r := remoteOf(ts.URL)
	r.IdleTimeout = 200 * time.Millisecond
	res, err := r.Generate(context.Background(), hello, chatgen.Callbacks{})
	wantRemoteError(t, err, "timeout", "sent nothing for")
	if res.StopReason != chatgen.StopDropped || !strings.HasPrefix("Hel", res.Text) {
		t.Fatalf("result %+v", res)
	}
}

func TestRemoteUnreachable(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	_, err := remoteOf(url).Generate(context.Background(), hello, chatgen.Callbacks{})
	wantRemoteError(t, err, "network", "Cannot reach")
	// A stop by the user is no error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := remoteOf(url).Generate(ctx, hello, chatgen.Callbacks{})
	if err != nil || res.StopReason != chatgen.StopCancelled {
		t.Fatalf("cancelled: %+v, %v", res, err)
	}
}

// TestRemoteAgainstHearth uses a Hearth server as the remote engine: the
// remote answer is the local one (greedy), and the model list names it.
func TestRemoteAgainstHearth(t *testing.T) {
	g := tinyModel(t)
	base, _ := serve(t, g, Options{APIKey: "k"})
	r := &Remote{BaseURL: strings.TrimSuffix(base, "/v1"), APIKey: "k", Model: "tiny"}
	var err error
	if r.BaseURL, err = NormalizeBaseURL(r.BaseURL); err != nil || !strings.HasSuffix(r.BaseURL, "/v1") {
		t.Fatalf("normalized %q, %v", r.BaseURL, err)
	}
	ids, err := r.ListModels(context.Background())
	if err != nil || len(ids) != 1 || ids[0] != "tiny" {
		t.Fatalf("models %v, %v", ids, err)
	}
	req := hello
	req.Sampling.Temperature = 0
	local, err := g.Generate(context.Background(), req, chatgen.Callbacks{})
	if err != nil {
		t.Fatal(err)
	}
	remote, err := r.Generate(context.Background(), req, chatgen.Callbacks{})
	if err != nil {
		t.Fatal(err)
	}
	if remote.Text != local.Text || remote.CompletionTokens != local.CompletionTokens || remote.StopReason != local.StopReason {
		t.Fatalf("remote %+v, local %+v", remote, local)
	}
	if _, err := NormalizeBaseURL("ftp://x"); err == nil {
		t.Fatal("ftp URL accepted")
	}
}
