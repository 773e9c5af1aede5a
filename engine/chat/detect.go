package chat

import (
	"fmt"
	"strings"

	"hearth/engine/gguf"
)

// Detect picks the prompt format of a model file. It looks at
// tokenizer.chat_template the way llama.cpp recognises its built-in
// templates (by their header tokens); a file without a template is judged by
// its vocabulary's header tokens.
func Detect(f *gguf.File) (Format, error) {
	if tmpl, ok := f.String("tokenizer.chat_template"); ok && tmpl != "" {
		switch {
		case isLlama4Template(tmpl):
			return Llama4{}, nil
		case isLlama3Template(tmpl) && strings.Contains(tmpl, "Cutting Knowledge Date"):
			return Llama31{}, nil
		case isLlama3Template(tmpl):
			return Llama3{}, nil
		}
		return nil, fmt.Errorf("chat: %s: unknown chat template (known: Llama 4, Llama 3); tokenizer.chat_template begins %q", f.Path, excerpt(tmpl))
	}
	tokens, _ := f.Strings("tokenizer.ggml.tokens")
	has := make(map[string]bool)
	for _, t := range tokens {
		switch t {
		case "<|header_start|>", "<|header_end|>", "<|start_header_id|>", "<|end_header_id|>":
			has[t] = true
		}
	}
	switch {
	case has["<|header_start|>"] && has["<|header_end|>"]:
		return Llama4{}, nil
	case has["<|start_header_id|>"] && has["<|end_header_id|>"]:
		return Llama3{}, nil
	}
	return nil, fmt.Errorf("chat: %s: no tokenizer.chat_template and no Llama 4 or Llama 3 header tokens in a vocabulary of %d tokens (architecture %q)", f.Path, len(tokens), f.Arch())
}

// excerpt shortens a template for an error message.
func excerpt(s string) string {
	const n = 120
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
