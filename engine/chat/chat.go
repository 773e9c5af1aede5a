// Package chat turns conversations into prompts in the formats Llama 4 and
// Llama 3 models were trained on, finds the format from GGUF metadata, and
// lays out the placeholder tokens of Llama 4 images.
package chat

import (
	"fmt"
	"strings"

	"hearth/engine/tokenizer"
)

// Message is one turn of a conversation.
type Message struct {
	Role    string // "system", "user", "assistant", "ipython"
	Content string
	// Images is the number of images attached to the message. In Llama 4
	// prompts they come before the message text, one <|image|> marker each.
	Images int
}

// Format is a prompt format.
type Format interface {
	// Name identifies the format ("llama4", "llama3", "llama3.1").
	Name() string
	// Render writes msgs as prompt text, with no BOS (the tokenizer or Encode
	// adds it). addGenerationPrompt appends the header of an assistant turn.
	Render(msgs []Message, addGenerationPrompt bool) string
	// StopTokens returns the ids that end an assistant turn: the format's
	// end-of-turn and end-of-message tokens, <|end_of_text|> and the
	// vocabulary's EOS, each once, those missing from the vocabulary left out.
	StopTokens(tok *tokenizer.Tokenizer) []int32

	// segments is the rendered prompt in pieces, so Encode can tell template
	// text from message content.
	segments(msgs []Message, addGenerationPrompt bool) []segment
}

// segmentKind tells how a piece of a rendered prompt is tokenized.
type segmentKind int

const (
	scaffold segmentKind = iota // template text: special tokens parsed
	content                     // message text: special-token text stays text
	image                       // one image's placeholder
)

type segment struct {
	kind segmentKind
	text string
}

// render joins segments into prompt text; an image becomes marker.
func render(segs []segment, marker string) string {
	var sb strings.Builder
	for _, s := range segs {
		if s.kind == image {
			sb.WriteString(marker)
			continue
		}
		sb.WriteString(s.text)
	}
	return sb.String()
}

// trim removes ASCII whitespace (C isspace) from both ends, as llama.cpp's
// built-in templates do; other Unicode spaces are kept.
func trim(s string) string {
	isSpace := func(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// stopTokens looks names up as special tokens and adds the EOS, keeping the
// order and dropping repeats.
func stopTokens(tok *tokenizer.Tokenizer, names ...string) []int32 {
	var ids []int32
	add := func(id int32) {
		for _, x := range ids {
			if x == id {
				return
			}
		}
		ids = append(ids, id)
	}
	for _, n := range names {
		if id, ok := tok.LookupSpecial(n); ok {
			add(id)
		}
	}
	if eos := tok.EOS(); eos != tokenizer.NoToken {
		add(eos)
	}
	return ids
}

// errNoImages is returned by Encode for formats without image support.
func errNoImages(f Format) error {
	return fmt.Errorf("chat: the %s format does not take images", f.Name())
}
