package server

import (
	"encoding/json"
	"net/http"

	"hearth/app/chatgen"
)

// defaultCompletionTokens is OpenAI's max_tokens default for /v1/completions.
const defaultCompletionTokens = 16

// completions is POST /v1/completions: a plain prompt, no chat template.
func (s *Server) completions(w http.ResponseWriter, r *http.Request) {
	var req completionRequest
	if e := decode(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	var prompt string
	if err := json.Unmarshal(req.Prompt, &prompt); err != nil {
		var list []string
		if err := json.Unmarshal(req.Prompt, &list); err != nil || len(list) != 1 {
			writeError(w, badRequest("prompt must be a string (or an array of one string)", "prompt"))
			return
		}
		prompt = list[0]
	}
	if prompt == "" {
		writeError(w, badRequest("prompt must not be empty", "prompt"))
		return
	}
	smp, e := sampling(req.Temperature, req.TopP, req.Seed, req.N)
	if e != nil {
		writeError(w, e)
		return
	}
	if e := checkStops(req.Stop); e != nil {
		writeError(w, e)
		return
	}
	n, e := maxTokens(req.MaxTokens)
	if e != nil {
		writeError(w, e)
		return
	}
	if req.MaxTokens == nil {
		n = defaultCompletionTokens
	}
	gr := chatgen.Request{Raw: prompt, Sampling: smp, MaxTokens: n, Stop: req.Stop}
	s.run(w, r, req.Model, gr, req.Stream, req.StreamOptions != nil && req.StreamOptions.IncludeUsage, textFormat{})
}

type textFormat struct{}

func (textFormat) whole(id, model string, created int64, r chatgen.Result) any {
	fr := finishReason(r.StopReason)
	return textCompletion{ID: id, Object: "text_completion", Created: created, Model: model,
		Choices: []textChoice{{Text: r.Text, FinishReason: &fr}}, Usage: usageOf(r)}
}

func (textFormat) chunk(id, model string, created int64, piece string, _ bool, finish *string) any {
	return textCompletion{ID: id, Object: "text_completion", Created: created, Model: model,
		Choices: []textChoice{{Text: piece, FinishReason: finish}}}
}

func (textFormat) usageChunk(id, model string, created int64, r chatgen.Result) any {
	return textCompletion{ID: id, Object: "text_completion", Created: created, Model: model, Choices: []textChoice{}, Usage: usageOf(r)}
}
