package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"hearth/app/chatgen"
)

// Default timeouts of a Remote.
const (
	// DefaultConnectTimeout bounds connecting and the response headers;
	// a big model's prefill happens after them, in the stream.
	DefaultConnectTimeout = 30 * time.Second
	// DefaultIdleTimeout bounds the silence between two pieces of a
	// stream (a long prompt's prefill on a slow engine included).
	DefaultIdleTimeout = 5 * time.Minute
)

// RemoteError is a remote engine's refusal or failure, with a message for
// people.
type RemoteError struct {
	// Status is the HTTP status, 0 for a network failure.
	Status int
	// Kind is "auth", "rate_limit", "timeout", "dropped", "network",
	// "not_found", "bad_request" or "server".
	Kind    string
	Message string
	// RetryAfter is the engine's Retry-After, when it sent one.
	RetryAfter string
}

func (e *RemoteError) Error() string { return e.Message }

// Remote is an OpenAI-compatible engine at BaseURL (vLLM, llama-server,
// Ollama, another Hearth) serving Model. It implements chatgen.Generator.
type Remote struct {
	// BaseURL is the API root, e.g. http://gpu-box:8000/v1 (a URL without
	// a path gets /v1).
	BaseURL string
	// APIKey, when set, goes as Authorization: Bearer.
	APIKey string
	// Model is the engine's model id.
	Model string
	// Vision says whether the model is known to read images; requests
	// with images are sent either way, and the engine's refusal shown.
	Vision bool
	// ConnectTimeout and IdleTimeout are 0 for the defaults.
	ConnectTimeout, IdleTimeout time.Duration
	// Client is nil for a plain one.
	Client *http.Client
}

// NormalizeBaseURL checks a user's endpoint URL and gives its API root:
// http(s), a host, and /v1 when no path was given.
func NormalizeBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http:// or https:// URL with a host", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	if u.Path == "" {
		u.Path = "/v1"
	}
	u.RawQuery, u.Fragment = "", ""
	return u.String(), nil
}

// Host is the endpoint's host:port, shown beside its models.
func (r *Remote) Host() string {
	if u, err := url.Parse(r.BaseURL); err == nil {
		return u.Host
	}
	return r.BaseURL
}

// Describe names the remote model and its host.
func (r *Remote) Describe() chatgen.Description {
	return chatgen.Description{Model: r.Model, Host: r.Host(), Vision: r.Vision}
}

func (r *Remote) client() *http.Client {
	if r.Client != nil {
		return r.Client
	}
	ct := r.ConnectTimeout
	if ct <= 0 {
		ct = DefaultConnectTimeout
	}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: ct}).DialContext,
		TLSHandshakeTimeout:   ct,
		ResponseHeaderTimeout: ct,
	}}
}

func (r *Remote) newRequest(ctx context.Context, method, path string, body any) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(r.BaseURL, "/")+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json, text/event-stream")
	if r.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+r.APIKey)
	}
	return req, nil
}

// do sends req and returns the response when its status is 2xx, or the
// engine's error.
func (r *Remote) do(req *http.Request) (*http.Response, error) {
	resp, err := r.client().Do(req)
	if err != nil {
		return nil, r.networkError(req.Context(), err)
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return nil, r.statusError(resp, b)
}

func (r *Remote) networkError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &RemoteError{Kind: "timeout", Message: fmt.Sprintf("%s did not answer in time: %v", r.Host(), err)}
	}
	return &RemoteError{Kind: "network", Message: fmt.Sprintf("Cannot reach %s: %v", r.Host(), err)}
}

// statusError turns an error response into a RemoteError, keeping the
// engine's own message (OpenAI's JSON shape, or text).
func (r *Remote) statusError(resp *http.Response, body []byte) error {
	msg := strings.TrimSpace(string(body))
	var eb struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &eb) == nil && len(eb.Error) > 0 {
		var e struct {
			Message string `json:"message"`
		}
		var s string
		switch {
		case json.Unmarshal(eb.Error, &e) == nil && e.Message != "":
			msg = e.Message
		case json.Unmarshal(eb.Error, &s) == nil:
			msg = s
		}
	}
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	host := r.Host()
	e := &RemoteError{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		e.Kind = "auth"
		e.Message = fmt.Sprintf("%s refused the API key (%d): %s. Check the key in Settings → Engines.", host, resp.StatusCode, msg)
	case resp.StatusCode == http.StatusTooManyRequests:
		e.Kind = "rate_limit"
		e.Message = fmt.Sprintf("%s is rate limiting (429): %s", host, msg)
		if e.RetryAfter != "" {
			e.Message += fmt.Sprintf(". Retry after %s s.", e.RetryAfter)
		}
	case resp.StatusCode == http.StatusNotFound:
		e.Kind = "not_found"
		e.Message = fmt.Sprintf("%s has no such model or endpoint (404): %s", host, msg)
	case resp.StatusCode/100 == 4:
		e.Kind = "bad_request"
		e.Message = fmt.Sprintf("%s rejected the request (%d): %s", host, resp.StatusCode, msg)
	default:
		e.Kind = "server"
		e.Message = fmt.Sprintf("%s failed (%d): %s", host, resp.StatusCode, msg)
	}
	return e
}

// ListModels returns the ids of the engine's models (GET /models), which
// also tests the connection and the key.
func (r *Remote) ListModels(ctx context.Context) ([]string, error) {
	ct := r.ConnectTimeout
	if ct <= 0 {
		ct = DefaultConnectTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, ct)
	defer cancel()
	req, err := r.newRequest(ctx, http.MethodGet, "/models", nil)
	if err != nil {
		return nil, err
	}
	resp, err := r.do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, &RemoteError{Kind: "timeout", Message: fmt.Sprintf("%s did not answer within %s", r.Host(), ct)}
		}
		return nil, err
	}
	defer resp.Body.Close()
	var list modelList
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(&list); err != nil {
		return nil, &RemoteError{Kind: "server", Message: fmt.Sprintf("%s answered GET /models with something other than an OpenAI model list: %v", r.Host(), err)}
	}
	ids := make([]string, 0, len(list.Data))
	for _, m := range list.Data {
		ids = append(ids, m.ID)
	}
	return ids, nil
}

// remoteChunk is the part of a streamed chunk that Remote reads.
type remoteChunk struct {
	Choices []struct {
		Delta struct {
			Content string `json:"content"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *usage          `json:"usage"`
	Error json.RawMessage `json:"error"`
}

// Generate streams req from the engine. A stream that breaks off keeps
// the text so far, with StopDropped and an error saying what happened.
func (r *Remote) Generate(ctx context.Context, req chatgen.Request, cb chatgen.Callbacks) (chatgen.Result, error) {
	res := chatgen.Result{StopReason: chatgen.StopError}
	body, err := r.body(req)
	if err != nil {
		return res, err
	}
	// The watchdog ends the request when the stream goes quiet too long.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := r.IdleTimeout
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	errIdle := &RemoteError{Kind: "timeout", Message: fmt.Sprintf("%s sent nothing for %s", r.Host(), idle)}
	watchdog := time.AfterFunc(idle, func() { cancel(errIdle) })
	defer watchdog.Stop()

	start := time.Now()
	hr, err := r.newRequest(ctx, http.MethodPost, "/chat/completions", body)
	if err != nil {
		return res, err
	}
	resp, err := r.do(hr)
	if err != nil {
		if context.Cause(ctx) == errIdle {
			return res, errIdle
		}
		if ctx.Err() != nil {
			res.StopReason = chatgen.StopCancelled
			return res, nil
		}
		return res, err
	}
	defer resp.Body.Close()
	var text strings.Builder
	var firstAt time.Time
	finish := ""
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 8<<20)
	sawDone := false
	for sc.Scan() {
		watchdog.Reset(idle)
		line := sc.Text()
		data, ok := strings.CutPrefix(line, "data:")
		if !ok {
			continue
		}
		data = strings.TrimSpace(data)
		if data == "[DONE]" {
			sawDone = true
			break
		}
		var ch remoteChunk
		if err := json.Unmarshal([]byte(data), &ch); err != nil {
			continue
		}
		if len(ch.Error) > 0 {
			res.Text = text.String()
			return res, r.statusError(&http.Response{StatusCode: http.StatusInternalServerError, Header: http.Header{}}, []byte(data))
		}
		if ch.Usage != nil {
			res.PromptTokens, res.CompletionTokens = ch.Usage.PromptTokens, ch.Usage.CompletionTokens
			if d := ch.Usage.PromptTokensDetails; d != nil {
				res.CachedTokens = d.CachedTokens
			}
		}
		for _, c := range ch.Choices {
			if c.Delta.Content != "" {
				if firstAt.IsZero() {
					firstAt = time.Now()
				}
				text.WriteString(c.Delta.Content)
				if cb.Token != nil {
					cb.Token(c.Delta.Content)
				}
			}
			if c.FinishReason != nil {
				finish = *c.FinishReason
			}
		}
	}
	if firstAt.IsZero() {
		firstAt = time.Now()
	}
	res.Text = text.String()
	res.PrefillTime, res.DecodeTime = firstAt.Sub(start), time.Since(firstAt)
	switch {
	case context.Cause(ctx) == errIdle:
		res.StopReason = chatgen.StopDropped
		return res, errIdle
	case ctx.Err() != nil:
		res.StopReason = chatgen.StopCancelled
		return res, nil
	case !sawDone && finish == "":
		res.StopReason = chatgen.StopDropped
		why := "the stream ended early"
		if err := sc.Err(); err != nil {
			why = err.Error()
		}
		return res, &RemoteError{Kind: "dropped", Message: fmt.Sprintf("The connection to %s dropped mid-answer (%s); the answer so far is kept", r.Host(), why)}
	}
	switch finish {
	case "length":
		res.StopReason = chatgen.StopLength
	default:
		res.StopReason = chatgen.StopEOS
	}
	return res, nil
}

// body is req as the engine's chat completion request.
func (r *Remote) body(req chatgen.Request) (map[string]any, error) {
	if req.Raw != "" {
		return nil, errors.New("remote engines take chat messages, not raw prompts")
	}
	msgs := make([]map[string]any, 0, len(req.Messages))
	next := 0
	for _, m := range req.Messages {
		if m.Images == 0 {
			msgs = append(msgs, map[string]any{"role": m.Role, "content": m.Content})
			continue
		}
		var parts []contentPart
		for range m.Images {
			if next >= len(req.Images) {
				return nil, errors.New("a message counts more images than the request holds")
			}
			im := req.Images[next]
			next++
			mime := im.MIME
			if mime == "" {
				mime = http.DetectContentType(im.Data)
			}
			parts = append(parts, contentPart{Type: "image_url", ImageURL: &imageURL{URL: "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(im.Data)}})
		}
		parts = append(parts, contentPart{Type: "text", Text: m.Content})
		msgs = append(msgs, map[string]any{"role": m.Role, "content": parts})
	}
	b := map[string]any{
		"model": r.Model, "messages": msgs, "stream": true,
		"stream_options": map[string]any{"include_usage": true},
		"temperature":    req.Sampling.Temperature,
	}
	if tp := req.Sampling.TopP; tp > 0 && tp < 1 {
		b["top_p"] = tp
	}
	if req.Sampling.Seed != 0 {
		b["seed"] = req.Sampling.Seed
	}
	if req.MaxTokens > 0 {
		b["max_tokens"] = req.MaxTokens
	}
	if len(req.Stop) > 0 {
		b["stop"] = req.Stop
	}
	return b, nil
}
