package app

import (
	"context"
	"sync"
	"time"

	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// Event names, as the frontend subscribes to them.
const (
	EventModelLoad    = "model:load"
	EventModelHash    = "model:hash"
	EventModelStatus  = "model:status"
	EventDownload     = "download:progress"
	EventChatPrefill  = "chat:prefill"
	EventChatToken    = "chat:token"
	EventChatDone     = "chat:done"
	EventChatError    = "chat:error"
	EventFilesDropped = "files:dropped"
)

// progressEventEvery spaces progress events: about five a second.
const progressEventEvery = 200 * time.Millisecond

// Emitter delivers an event to the UI. The window's is the Wails runtime;
// tests record events instead.
type Emitter interface {
	Emit(name string, data any)
}

// wailsEmitter sends events to the window.
type wailsEmitter struct{ ctx context.Context }

// Emit sends data to the frontend's listeners of name.
func (w wailsEmitter) Emit(name string, data any) { wailsruntime.EventsEmit(w.ctx, name, data) }

// discardEmitter drops events (an App opened without a window or an
// injected emitter).
type discardEmitter struct{}

// Emit does nothing.
func (discardEmitter) Emit(string, any) {}

// ModelLoadEvent is the payload of "model:load".
type ModelLoadEvent struct {
	ModelID  int64   `json:"modelId"`
	Stage    string  `json:"stage"` // mapping, checking, warming, ready, failed
	Fraction float64 `json:"fraction"`
	Error    string  `json:"error"`
}

// ModelHashEvent is the payload of "model:hash".
type ModelHashEvent struct {
	ModelID  int64   `json:"modelId"`
	Fraction float64 `json:"fraction"`
	SHA256   string  `json:"sha256"`
}

// PrefillEvent is the payload of "chat:prefill".
type PrefillEvent struct {
	ConversationID     int64 `json:"conversationId"`
	AssistantMessageID int64 `json:"assistantMessageId"`
	Done               int   `json:"done"`
	Total              int   `json:"total"`
	CachedTokens       int   `json:"cachedTokens"`
	EtaMS              int64 `json:"etaMs"`
}

// TokenEvent is the payload of "chat:token". Seq numbers an answer's
// pieces from 1: Wails' dev server (the browser tests) may deliver events
// out of order, so the UI appends pieces in Seq order.
type TokenEvent struct {
	ConversationID     int64  `json:"conversationId"`
	AssistantMessageID int64  `json:"assistantMessageId"`
	Seq                int    `json:"seq"`
	Text               string `json:"text"`
}

// DoneEvent is the payload of "chat:done".
type DoneEvent struct {
	ConversationID     int64        `json:"conversationId"`
	AssistantMessageID int64        `json:"assistantMessageId"`
	Stats              MessageStats `json:"stats"`
	Stopped            bool         `json:"stopped"`
}

// ErrorEvent is the payload of "chat:error".
type ErrorEvent struct {
	ConversationID     int64  `json:"conversationId"`
	AssistantMessageID int64  `json:"assistantMessageId"`
	Error              string `json:"error"`
}

// FilesDroppedEvent is the payload of "files:dropped".
type FilesDroppedEvent struct {
	Paths []string `json:"paths"`
}

// listenForDrops forwards files dropped on the window as "files:dropped".
func listenForDrops(ctx context.Context, events Emitter) {
	wailsruntime.OnFileDrop(ctx, func(_, _ int, paths []string) {
		events.Emit(EventFilesDropped, FilesDroppedEvent{Paths: paths})
	})
}

// throttle lets through one event per interval, plus any marked final.
type throttle struct {
	mu      sync.Mutex
	every   time.Duration
	last    time.Time
	pending bool // a trailing event is scheduled
}

// trailing runs emit once the current interval ends, for an event that
// ready held back: without it a stream that stalls (a server that stops
// sending) would leave the UI showing progress from before the burst.
func (t *throttle) trailing(emit func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pending {
		return
	}
	t.pending = true
	time.AfterFunc(t.every-time.Since(t.last), func() {
		t.mu.Lock()
		t.pending, t.last = false, time.Now()
		t.mu.Unlock()
		emit()
	})
}

// ready reports whether an event may go now, and if so starts a new interval.
func (t *throttle) ready(final bool) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if !final && now.Sub(t.last) < t.every {
		return false
	}
	t.last = now
	return true
}
