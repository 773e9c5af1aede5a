package chat

import (
	"strings"

	"hearth/engine/tokenizer"
)

// Llama4 is the Llama 4 prompt format as llama.cpp's built-in "llama4"
// template renders it: every message as
// <|header_start|>ROLE<|header_end|>\n\nCONTENT<|eot|> with CONTENT trimmed,
// and <|header_start|>assistant<|header_end|>\n\n as the generation prompt.
// (The official Jinja template trims only the system message; llama.cpp's
// built-in one, which the fixtures follow, trims all.)
type Llama4 struct{}

// Name returns "llama4".
func (Llama4) Name() string { return "llama4" }

// Render writes msgs in the Llama 4 format; each image is an <|image|>
// marker in front of its message's text.
func (f Llama4) Render(msgs []Message, addGenerationPrompt bool) string {
	return render(f.segments(msgs, addGenerationPrompt), "<|image|>")
}

// StopTokens returns <|eot|>, <|eom|>, <|end_of_text|> and EOS. llama.cpp
// itself does not stop on <|eom|>, which ends a tool call.
func (Llama4) StopTokens(tok *tokenizer.Tokenizer) []int32 {
	return stopTokens(tok, "<|eot|>", "<|eom|>", "<|end_of_text|>")
}

func (Llama4) segments(msgs []Message, addGenerationPrompt bool) []segment {
	var segs []segment
	for _, m := range msgs {
		segs = append(segs, segment{scaffold, "<|header_start|>" + m.Role + "<|header_end|>\n\n"})
		for range max(m.Images, 0) {
			segs = append(segs, segment{kind: image})
		}
		segs = append(segs, segment{content, trim(m.Content)}, segment{scaffold, "<|eot|>"})
	}
	if addGenerationPrompt {
		segs = append(segs, segment{scaffold, "<|header_start|>assistant<|header_end|>\n\n"})
	}
	return segs
}

// isLlama4Template reports the markers llama.cpp detects the format by.
func isLlama4Template(tmpl string) bool {
	return strings.Contains(tmpl, "<|header_start|>") && strings.Contains(tmpl, "<|header_end|>")
}
