package chatgen

import (
	"context"
	"time"

	"hearth/engine/chat"
)

// Stop reasons of a Result.
const (
	StopEOS         = "eos"          // the model ended its turn
	StopLength      = "length"       // MaxTokens reached
	StopString      = "stop"         // one of Request.Stop appeared
	StopCancelled   = "stopped"      // the context ended (user stop, client gone)
	StopContextFull = "context_full" // no room left in the model's context
	StopError       = "error"        // generation failed; the error says why
	StopDropped     = "dropped"      // a remote stream broke off mid-answer
)

// Image is one attached image, as the file's bytes (PNG, JPEG, GIF, WebP).
type Image struct {
	Data []byte
	// MIME is the type the bytes claim ("image/png"); remote engines need it.
	MIME string
}

// Sampling are the sampler settings of a request.
type Sampling struct {
	Temperature   float64
	TopK          int
	TopP          float64
	MinP          float64
	RepeatPenalty float64
	// Seed 0 means a new random seed each time.
	Seed int64
}

// Request is one generation.
type Request struct {
	// Messages is the conversation, system prompt first; a message's
	// Images counts how many of Images (in order) go with it.
	Messages []chat.Message
	Images   []Image
	// Raw, when set, is a plain text prompt fed without the chat template
	// (the /v1/completions API); Messages is then ignored.
	Raw      string
	Sampling Sampling
	// MaxTokens bounds the answer; 0 means until the model stops or the
	// context is full.
	MaxTokens int
	// Stop lists strings that end the answer; the answer holds the text
	// before the first of them.
	Stop []string
}

// Callbacks report a generation's progress; either may be nil. They run on
// the generating goroutine, so they must be quick.
type Callbacks struct {
	// Prefill reports positions done of total, cached of them taken from
	// the session or the snapshot cache, and the estimated time left.
	Prefill func(done, total, cached int, eta time.Duration)
	// Token receives each new piece of answer text.
	Token func(piece string)
}

// Result is what a generation produced.
type Result struct {
	Text string
	// PromptTokens is the prompt's length, CachedTokens how many of its
	// positions were not computed (held by the session or restored from
	// the snapshot cache), CompletionTokens how many tokens were sampled.
	PromptTokens, CachedTokens, CompletionTokens int
	// StopReason is one of the Stop* constants.
	StopReason string
	// PrefillTime and DecodeTime split the time spent.
	PrefillTime, DecodeTime time.Duration
}

// Generator generates answers: a local model or a remote engine.
// Generate returns the partial result with the error when it fails midway
// (StopReason says how it ended).
type Generator interface {
	Generate(ctx context.Context, req Request, cb Callbacks) (Result, error)
	// Describe names the generator for people: the model and, for a
	// remote engine, its host.
	Describe() Description
}

// Description names a generator and what it can do.
type Description struct {
	// Model is the model's name as its engine knows it.
	Model string
	// Host is the remote engine's host:port, "" for a local model.
	Host string
	// Vision is true when the model accepts images.
	Vision bool
	// ContextLen is the context in tokens, 0 when not known.
	ContextLen int
}
