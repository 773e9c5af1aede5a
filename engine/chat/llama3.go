package chat

import (
	"strings"
	"time"

	"hearth/engine/tokenizer"
)

// Llama3 is the Llama 3 prompt format as llama.cpp's built-in "llama3"
// template renders it: every message as
// <|start_header_id|>ROLE<|end_header_id|>\n\nCONTENT<|eot_id|> with CONTENT
// trimmed, and <|start_header_id|>assistant<|end_header_id|>\n\n as the
// generation prompt. It takes no images.
type Llama3 struct{}

// Name returns "llama3".
func (Llama3) Name() string { return "llama3" }

// Render writes msgs in the Llama 3 format. Images are not rendered.
func (f Llama3) Render(msgs []Message, addGenerationPrompt bool) string {
	return render(f.segments(msgs, addGenerationPrompt), "")
}

// StopTokens returns <|eot_id|>, <|eom_id|>, <|end_of_text|> and EOS.
func (Llama3) StopTokens(tok *tokenizer.Tokenizer) []int32 {
	return stopTokens(tok, "<|eot_id|>", "<|eom_id|>", "<|end_of_text|>")
}

func (Llama3) segments(msgs []Message, addGenerationPrompt bool) []segment {
	var segs []segment
	for _, m := range msgs {
		segs = append(segs, llama3Turn(m)...)
	}
	if addGenerationPrompt {
		segs = append(segs, segment{scaffold, "<|start_header_id|>assistant<|end_header_id|>\n\n"})
	}
	return segs
}

func llama3Turn(m Message) []segment {
	segs := []segment{{scaffold, "<|start_header_id|>" + m.Role + "<|end_header_id|>\n\n"}}
	for range max(m.Images, 0) {
		segs = append(segs, segment{kind: image})
	}
	return append(segs, segment{content, trim(m.Content)}, segment{scaffold, "<|eot_id|>"})
}

// Llama31 is the official Llama 3.1–3.3 Instruct template (without tools):
// like Llama3, but the prompt always opens with a system turn that starts
// "Cutting Knowledge Date: December 2023\nToday Date: DATE\n\n" followed by
// the system message, if any.
type Llama31 struct {
	// Date is the "Today Date" text, such as "26 Jul 2024"; empty means the
	// current date, formatted the way the template's strftime_now("%d %b %Y")
	// does. A fixed date keeps prompts, and so cached KV prefixes, stable.
	Date string
}

// Name returns "llama3.1".
func (Llama31) Name() string { return "llama3.1" }

// Render writes msgs in the Llama 3.1 format. Images are not rendered.
func (f Llama31) Render(msgs []Message, addGenerationPrompt bool) string {
	return render(f.segments(msgs, addGenerationPrompt), "")
}

// StopTokens returns <|eot_id|>, <|eom_id|>, <|end_of_text|> and EOS.
func (Llama31) StopTokens(tok *tokenizer.Tokenizer) []int32 {
	return Llama3{}.StopTokens(tok)
}

func (f Llama31) segments(msgs []Message, addGenerationPrompt bool) []segment {
	date := f.Date
	if date == "" {
		date = time.Now().Format("02 Jan 2006")
	}
	system := ""
	if len(msgs) > 0 && msgs[0].Role == "system" {
		system = trim(msgs[0].Content)
		msgs = msgs[1:]
	}
	segs := []segment{
		{scaffold, "<|start_header_id|>system<|end_header_id|>\n\n"},
		{content, "Cutting Knowledge Date: December 2023\nToday Date: " + date + "\n\n" + system},
		{scaffold, "<|eot_id|>"},
	}
	for _, m := range msgs {
		segs = append(segs, llama3Turn(m)...)
	}
	if addGenerationPrompt {
		segs = append(segs, segment{scaffold, "<|start_header_id|>assistant<|end_header_id|>\n\n"})
	}
	return segs
}

// isLlama3Template reports the markers llama.cpp detects the format by.
func isLlama3Template(tmpl string) bool {
	return strings.Contains(tmpl, "<|start_header_id|>") && strings.Contains(tmpl, "<|end_header_id|>")
}
