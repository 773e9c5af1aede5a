package server

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"

	"hearth/app/chatgen"
)

// chatCompletions is POST /v1/chat/completions.
func (s *Server) chatCompletions(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	if e := decode(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	gr, e := s.chatRequest(req)
	if e != nil {
		writeError(w, e)
		return
	}
	s.run(w, r, req.Model, gr, req.Stream, req.StreamOptions != nil && req.StreamOptions.IncludeUsage, chatFormat{})
}

func (s *Server) chatRequest(req chatRequest) (chatgen.Request, *apiError) {
	msgs, images, e := chatMessages(req.Messages)
	if e != nil {
		return chatgen.Request{}, e
	}
	smp, e := sampling(req.Temperature, req.TopP, req.Seed, req.N)
	if e != nil {
		return chatgen.Request{}, e
	}
	if e := checkStops(req.Stop); e != nil {
		return chatgen.Request{}, e
	}
	n, e := maxTokens(req.MaxCompletionTokens, req.MaxTokens)
	if e != nil {
		return chatgen.Request{}, e
	}
	return chatgen.Request{Messages: msgs, Images: images, Sampling: smp, MaxTokens: n, Stop: req.Stop}, nil
}

// format writes one endpoint's response bodies.
type format interface {
	// whole is the non-streaming body.
	whole(id, model string, created int64, r chatgen.Result) any
	// chunk is a streamed piece; first marks the first, finish (non-nil)
	// the last.
	chunk(id, model string, created int64, piece string, first bool, finish *string) any
	// usageChunk is the last chunk, with usage and no choices.
	usageChunk(id, model string, created int64, r chatgen.Result) any
}

type chatFormat struct{}

func (chatFormat) whole(id, model string, created int64, r chatgen.Result) any {
	fr := finishReason(r.StopReason)
	return chatCompletion{ID: id, Object: "chat.completion", Created: created, Model: model,
		Choices: []chatChoice{{Message: &chatOut{Role: "assistant", Content: &r.Text}, FinishReason: &fr}}, Usage: usageOf(r)}
}

func (chatFormat) chunk(id, model string, created int64, piece string, first bool, finish *string) any {
	d := &chatOut{}
	if first {
		d.Role = "assistant"
	}
	if finish == nil || piece != "" {
		d.Content = &piece
	}
	return chatCompletion{ID: id, Object: "chat.completion.chunk", Created: created, Model: model,
		Choices: []chatChoice{{Delta: d, FinishReason: finish}}}
}

func (chatFormat) usageChunk(id, model string, created int64, r chatgen.Result) any {
	return chatCompletion{ID: id, Object: "chat.completion.chunk", Created: created, Model: model, Choices: []chatChoice{}, Usage: usageOf(r)}
}

// run queues a generation and answers it whole or as a stream.
func (s *Server) run(w http.ResponseWriter, r *http.Request, model string, req chatgen.Request, stream, includeUsage bool, f format) {
	g, e := s.generator(model)
	if e != nil {
		writeError(w, e)
		return
	}
	free, e := s.admit()
	if e != nil {
		writeError(w, e)
		return
	}
	defer free()
	ctx := r.Context()
	model = g.Describe().Model
	id, created := newID(f), time.Now().Unix()
	if !stream {
		res, err := g.Generate(ctx, req, chatgen.Callbacks{})
		if ctx.Err() != nil {
			return // the client is gone
		}
		if err != nil {
			s.logf("hearth serve: %v", err)
			writeError(w, generationError(err))
			return
		}
		writeJSON(w, http.StatusOK, f.whole(id, model, created, res))
		return
	}
	sse := newEventStream(w)
	first := true
	res, err := g.Generate(ctx, req, chatgen.Callbacks{Token: func(piece string) {
		// Headers go out with the first piece, so that an error before
		// any output still gets its status code.
		sse.send(f.chunk(id, model, created, piece, first, nil))
		first = false
	}})
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		s.logf("hearth serve: %v", err)
		if first {
			writeError(w, generationError(err))
			return
		}
		sse.send(errorBody{Error: generationError(err)})
		sse.done()
		return
	}
	fr := finishReason(res.StopReason)
	sse.send(f.chunk(id, model, created, "", first, &fr))
	if includeUsage {
		sse.send(f.usageChunk(id, model, created, res))
	}
	sse.done()
}

func newID(f format) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	prefix := "chatcmpl-"
	if _, ok := f.(textFormat); ok {
		prefix = "cmpl-"
	}
	return prefix + hex.EncodeToString(b[:])
}
