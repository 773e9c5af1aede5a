package server

import (
	"encoding/json"
	"net/http"
)

// eventStream writes server-sent events, flushing each one.
type eventStream struct {
	w       http.ResponseWriter
	fl      http.Flusher
	started bool
}

func newEventStream(w http.ResponseWriter) *eventStream {
	fl, _ := w.(http.Flusher)
	return &eventStream{w: w, fl: fl}
}

func (e *eventStream) start() {
	if e.started {
		return
	}
	e.started = true
	h := e.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	e.w.WriteHeader(http.StatusOK)
}

// send writes v as one data event. A write error means the client went
// away, which also ends the request's context and so the generation.
func (e *eventStream) send(v any) {
	e.start()
	b, _ := json.Marshal(v)
	e.write("data: " + string(b) + "\n\n")
}

// done ends the stream as OpenAI does.
func (e *eventStream) done() {
	e.start()
	e.write("data: [DONE]\n\n")
}

func (e *eventStream) write(s string) {
	if _, err := e.w.Write([]byte(s)); err != nil {
		return
	}
	if e.fl != nil {
		e.fl.Flush()
	}
}
