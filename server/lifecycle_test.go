package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"hearth/app/chatgen"
)

func postJSON(t testing.TB, ctx context.Context, url, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestDisconnectStops leaves a stream after its first chunk: the
// generation ends as cancelled (not at its token limit or the context's
// end) and the next request gets the model.
func TestDisconnectStops(t *testing.T) {
	rec := &recorder{Generator: tinyModel(t), results: make(chan chatgen.Result, 1)}
	base, srv := serve(t, rec, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	resp := postJSON(t, ctx, base+"/chat/completions", `{"model":"tiny","stream":true,"max_tokens":100000,"messages":[{"role":"user","content":"go on forever"}]}`)
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "data: ") {
		t.Fatalf("first line %q, %v", line, err)
	}
	cancel()
	resp.Body.Close()
	res := <-rec.results
	if res.StopReason != chatgen.StopCancelled || res.CompletionTokens >= 4000 {
		t.Fatalf("the left generation ended %s after %d tokens", res.StopReason, res.CompletionTokens)
	}
	r2 := postJSON(t, context.Background(), base+"/chat/completions", `{"model":"tiny","max_tokens":2,"messages":[{"role":"user","content":"next"}]}`)
	defer r2.Body.Close()
	if r2.StatusCode != 200 {
		t.Fatalf("next request %d", r2.StatusCode)
	}
	io.Copy(io.Discard, r2.Body)
	if n := len(srv.slots); n != 0 {
		t.Fatalf("%d queue slots still taken", n)
	}
}

// blocker is a generator that holds every request until released.
type blocker struct {
	started chan struct{}
	release chan struct{}
}

func (b *blocker) Generate(ctx context.Context, req chatgen.Request, cb chatgen.Callbacks) (chatgen.Result, error) {
	b.started <- struct{}{}
	select {
	case <-b.release:
	case <-ctx.Done():
	}
	return chatgen.Result{Text: "ok", StopReason: chatgen.StopEOS}, nil
}

func (b *blocker) Describe() chatgen.Description { return chatgen.Description{Model: "tiny"} }

// TestQueueFull fills a queue of two: the third request gets 503 with
// Retry-After in OpenAI's error shape, and is served once a slot frees.
func TestQueueFull(t *testing.T) {
	b := &blocker{started: make(chan struct{}, 2), release: make(chan struct{})}
	base, _ := serve(t, b, Options{Queue: 2})
	body := `{"model":"tiny","messages":[{"role":"user","content":"hi"}]}`
	done := make(chan int, 2)
	for range 2 {
		go func() {
			r := postJSON(t, context.Background(), base+"/chat/completions", body)
			r.Body.Close()
			done <- r.StatusCode
		}()
	}
	<-b.started
	<-b.started
	r := postJSON(t, context.Background(), base+"/chat/completions", body)
	msg, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 503 || r.Header.Get("Retry-After") == "" || !strings.Contains(string(msg), `"server_overloaded"`) {
		t.Fatalf("third request: %d, Retry-After %q, %s", r.StatusCode, r.Header.Get("Retry-After"), msg)
	}
	close(b.release)
	if a, c := <-done, <-done; a != 200 || c != 200 {
		t.Fatalf("queued requests %d %d", a, c)
	}
	b.started = make(chan struct{}, 1)
	if r := postJSON(t, context.Background(), base+"/chat/completions", body); r.StatusCode != 200 {
		t.Fatalf("after the queue drained: %d", r.StatusCode)
	}
}

// TestGuards checks the defaults that keep the API private: no CORS
// headers, JSON bodies only, loopback Host names only, and the listen
// address rules.
func TestGuards(t *testing.T) {
	b := &blocker{started: make(chan struct{}, 10), release: make(chan struct{})}
	close(b.release)
	base, _ := serve(t, b, Options{})
	req, _ := http.NewRequest(http.MethodPost, base+"/chat/completions", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Origin", "https://evil.example")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusUnsupportedMediaType || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("text/plain cross-origin post: %d, ACAO %q", r.StatusCode, r.Header.Get("Access-Control-Allow-Origin"))
	}
	req, _ = http.NewRequest(http.MethodGet, base+"/models", nil)
	req.Host = "rebound.example:8080"
	if r, _ = http.DefaultClient.Do(req); r.StatusCode != http.StatusForbidden {
		t.Fatalf("rebound Host: %d", r.StatusCode)
	}
	if r, _ = http.Get(base + "/nope"); r.StatusCode != 404 {
		t.Fatalf("unknown path %d", r.StatusCode)
	}

	// With an allowed origin, preflights are answered.
	cb, _ := serve(t, b, Options{CORSOrigins: []string{"http://localhost:5173"}})
	req, _ = http.NewRequest(http.MethodOptions, cb+"/chat/completions", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Method", "POST")
	if r, _ = http.DefaultClient.Do(req); r.StatusCode != 204 || r.Header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" {
		t.Fatalf("preflight %d %v", r.StatusCode, r.Header)
	}

	src := func() (chatgen.Generator, error) { return b, nil }
	if _, err := New(src, Options{Addr: "0.0.0.0:0"}); err == nil || !strings.Contains(err.Error(), "--allow-network") {
		t.Fatalf("0.0.0.0 without the flag: %v", err)
	}
	if _, err := New(src, Options{Addr: "0.0.0.0:0", AllowNonLoopback: true}); err == nil || !strings.Contains(err.Error(), "API key") {
		t.Fatalf("0.0.0.0 without a key: %v", err)
	}
	if _, err := New(src, Options{Addr: "0.0.0.0:0", AllowNonLoopback: true, APIKey: "k"}); err != nil {
		t.Fatal(err)
	}
	// No model loaded: 503 saying so.
	empty, err := New(func() (chatgen.Generator, error) { return nil, errors.New("No model is loaded") }, Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	addr, err := empty.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	r = postJSON(t, context.Background(), "http://"+addr+"/v1/chat/completions", `{"messages":[{"role":"user","content":"hi"}]}`)
	msg, _ := io.ReadAll(r.Body)
	if r.StatusCode != 503 || !strings.Contains(string(msg), "No model is loaded") {
		t.Fatalf("no model: %d %s", r.StatusCode, msg)
	}
}

// TestNoLeak runs 1,000 requests (whole, streamed, and streams left after
// the first chunk) and checks that goroutines and the heap come back to
// where they were.
func TestNoLeak(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 requests")
	}
	g := tinyModel(t)
	base, srv := serve(t, g, Options{})
	tr := &http.Transport{}
	cl := &http.Client{Transport: tr}
	do := func(i int) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		body := fmt.Sprintf(`{"model":"tiny","max_tokens":3,"stream":%v,"messages":[{"role":"user","content":"request %d"}]}`, i%2 == 1, i)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/chat/completions", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		r, err := cl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if i%10 == 9 {
			bufio.NewReader(r.Body).ReadString('\n') // leave mid-stream
			cancel()
		} else {
			io.Copy(io.Discard, r.Body)
		}
		r.Body.Close()
		if r.StatusCode != 200 {
			t.Fatalf("request %d: %d", i, r.StatusCode)
		}
	}
	for i := range 20 { // warm up pools and caches
		do(i)
	}
	// The model must be free (the last request's generation done) before
	// counting.
	wait := func() {
		rel, err := g.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		rel()
		tr.CloseIdleConnections()
	}
	wait()
	g0, h0 := measure()
	for i := range 1000 {
		do(i)
	}
	wait()
	g1, h1 := measure()
	t.Logf("goroutines %d → %d, heap %.1f → %.1f MiB after 1,000 requests", g0, g1, float64(h0)/(1<<20), float64(h1)/(1<<20))
	if g1 > g0+2 {
		t.Errorf("goroutines grew from %d to %d", g0, g1)
	}
	if h1 > h0+8<<20 {
		t.Errorf("heap grew from %d to %d bytes", h0, h1)
	}
	if len(srv.slots) != 0 {
		t.Errorf("%d queue slots still taken", len(srv.slots))
	}
}

// measure returns the goroutine count once closed connections' goroutines
// have ended (they end on their own after the close, so this waits for the
// count to stop falling, by yielding rather than sleeping), and the live
// heap after a collection.
func measure() (int, uint64) {
	n := runtime.NumGoroutine()
	for i := 0; i < 100; i++ {
		runtime.Gosched()
		runtime.GC()
		if m := runtime.NumGoroutine(); m < n {
			n, i = m, 0
		}
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return n, ms.HeapAlloc
}
