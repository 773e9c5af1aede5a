package synth

import (
	"fmt"

	"hearth/engine/gguf"
)

// Token types (llama_token_type).
const (
	tokNormal  = 1
	tokControl = 3
	tokUnused  = 5
)

// vocab is a byte-level BPE vocabulary: tokens, their types and merges.
type vocab struct {
	tokens []string
	types  []int32
	merges []string
	bos    uint32
	eos    uint32
	pad    uint32
	pre    string
	tmpl   string
}

// byteChars maps each byte to the printable code point GPT-2 byte-level BPE
// uses for it: printable Latin-1 bytes map to themselves, the others to
// U+0100 upwards in byte order.
func byteChars() [256]rune {
	var table [256]rune
	next := rune(256)
	for b := 0; b < 256; b++ {
		if (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF) {
			table[b] = rune(b)
		} else {
			table[b] = next
			next++
		}
	}
	return table
}

// regularTokens builds n byte-level BPE tokens: the 256 byte tokens, then
// tokens made by merging an earlier token with a letter, a digit or the
// space character, in a fixed order, so that every merge is valid.
func regularTokens(n int) (tokens, merges []string) {
	chars := byteChars()
	seen := make(map[string]bool, n)
	for b := 0; b < 256; b++ {
		s := string(chars[b])
		tokens = append(tokens, s)
		seen[s] = true
	}
	var suffixes []string
	for _, c := range "etaoinshrdlucmfwypvbgkjqxzETAOINSHRDLUCMFWYPVBGKJQXZ0123456789_.(){}" {
		suffixes = append(suffixes, string(c))
	}
	suffixes = append(suffixes, string(chars[' ']))
	for i := 0; len(tokens) < n; i++ {
		left := tokens[i]
		for _, right := range suffixes {
			if len(tokens) == n {
				break
			}
			if s := left + right; !seen[s] {
				seen[s] = true
				tokens = append(tokens, s)
				merges = append(merges, left+" "+right)
			}
		}
	}
	return tokens, merges
}

// llama3Vocab mirrors the layout of the Llama 3 vocabulary: 128000 regular
// tokens and 256 special tokens.
func llama3Vocab(size int) vocab {
	const firstSpecial = 128000
	tokens, merges := regularTokens(firstSpecial)
	types := make([]int32, 0, size)
	for range tokens {
		types = append(types, tokNormal)
	}
	named := map[int]string{0: "<|begin_of_text|>", 1: "<|end_of_text|>", 6: "<|start_header_id|>",
		7: "<|end_header_id|>", 8: "<|eom_id|>", 9: "<|eot_id|>", 10: "<|python_tag|>"}
	reserved := 0
	for id := firstSpecial; id < size; id++ {
		s, ok := named[id-firstSpecial]
		if !ok {
			s = fmt.Sprintf("<|reserved_special_token_%d|>", reserved)
			reserved++
		}
		tokens = append(tokens, s)
		types = append(types, tokControl)
	}
	return vocab{tokens: tokens, types: types, merges: merges, bos: 128000, eos: 128009, pad: 128004,
		pre: "llama-bpe", tmpl: llama3Template}
}

// llama4Vocab mirrors the layout of the Llama 4 vocabulary: 200000 regular
// tokens, the special tokens, then padding ids of type UNUSED.
func llama4Vocab(size int) vocab {
	const firstSpecial = 200000
	const lastSpecial = 201134
	tokens, merges := regularTokens(firstSpecial)
	types := make([]int32, 0, size)
	for range tokens {
		types = append(types, tokNormal)
	}
	named := map[int]string{0: "<|begin_of_text|>", 1: "<|end_of_text|>", 2: "<|fim_prefix|>",
		3: "<|fim_middle|>", 4: "<|fim_suffix|>", 5: "<|header_start|>", 6: "<|header_end|>",
		7: "<|eom|>", 8: "<|eot|>", 9: "<|step|>", 16: "<|python_start|>", 17: "<|python_end|>",
		18: "<|finetune_right_pad|>", 80: "<|image_start|>", 81: "<|image_end|>",
		84: "<|tile_x_separator|>", 85: "<|tile_y_separator|>", 90: "<|image|>", 92: "<|patch|>"}
	reserved := 0
	for id := firstSpecial; id < size; id++ {
		s, ok := named[id-firstSpecial]
		typ := int32(tokControl)
		switch {
		case ok:
		case id <= lastSpecial:
			s = fmt.Sprintf("<|reserved_special_token_%d|>", reserved)
			reserved++
		default:
			s, typ = fmt.Sprintf("[PAD%d]", id), tokUnused
		}
		tokens = append(tokens, s)
		types = append(types, typ)
	}
	return vocab{tokens: tokens, types: types, merges: merges, bos: 200000, eos: 200008, pad: 200018,
		pre: "llama4", tmpl: llama4Template}
}

// The chat templates are the minimal Jinja that llama.cpp recognises as its
// built-in llama3 and llama4 formats.
const (
	llama3Template = "{%- for message in messages -%}{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' -}}{%- endfor -%}{%- if add_generation_prompt -%}{{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}{%- endif -%}"
	llama4Template = "{%- for message in messages -%}{{- '<|header_start|>' + message['role'] + '<|header_end|>\n\n' + message['content'] | trim + '<|eot|>' -}}{%- endfor -%}{%- if add_generation_prompt -%}{{- '<|header_start|>assistant<|header_end|>\n\n' -}}{%- endif -%}"
)

// setTokenizer writes the tokenizer keys llama.cpp's converter writes.
func (v vocab) setTokenizer(w *gguf.Writer) {
	w.Set("tokenizer.ggml.model", gguf.Str("gpt2"))
	w.Set("tokenizer.ggml.pre", gguf.Str(v.pre))
	w.Set("tokenizer.ggml.tokens", gguf.Array(gguf.TypeString, v.tokens))
	w.Set("tokenizer.ggml.token_type", gguf.Array(gguf.TypeInt32, v.types))
	w.Set("tokenizer.ggml.merges", gguf.Array(gguf.TypeString, v.merges))
	w.Set("tokenizer.ggml.bos_token_id", gguf.Uint32(v.bos))
	w.Set("tokenizer.ggml.eos_token_id", gguf.Uint32(v.eos))
	w.Set("tokenizer.ggml.padding_token_id", gguf.Uint32(v.pad))
	w.Set("tokenizer.ggml.add_bos_token", gguf.Bool(true))
	w.Set("tokenizer.ggml.add_eos_token", gguf.Bool(false))
	w.Set("tokenizer.chat_template", gguf.Str(v.tmpl))
}
