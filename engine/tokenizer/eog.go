package tokenizer

// Token texts llama.cpp recognises by name (src/llama-vocab.cpp). The EOG set
// is found by text rather than metadata because most GGUF files carry only an
// EOS id.
var (
	eogNames = []string{
		"<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>",
		"<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>",
		"<|end_of_text|>", "<end_of_utterance>",
	}
	eotNames = []string{
		"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
		"<|end_of_text|>", "<EOT>", "_<EOT>", "<｜end▁of▁sentence｜>", "<end_of_utterance>",
	}
	eomNames = []string{"<|eom_id|>"}
	// FIM padding, repository and file-separator tokens also end generation.
	fimEOGNames = []string{
		"<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>",
		"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>",
		"<|file_sep|>", "<file_sep>", "<|file_separator|>",
	}
)

// deriveEOG fills t.eog, finds EOT and EOM by name when the file has no ids
// for them, and marks every token found by name as a control token, as
// llama.cpp does at load time.
func (t *Tokenizer) deriveEOG() {
	t.eog = make([]bool, len(t.texts))
	lookup := func(names []string) []int32 {
		var ids []int32
		for _, name := range names {
			if id, ok := t.textToID[name]; ok {
				ids = append(ids, id)
			}
		}
		return ids
	}
	first := func(ids []int32) int32 {
		best := NoToken
		for _, id := range ids {
			if best == NoToken || id < best {
				best = id
			}
		}
		return best
	}
	byName := append(lookup(eogNames), lookup(fimEOGNames)...)
	if t.eot == NoToken {
		t.eot = first(lookup(eotNames))
		byName = append(byName, t.eot)
	}
	if t.eom == NoToken {
		t.eom = first(lookup(eomNames))
		byName = append(byName, t.eom)
	}
	for _, id := range byName {
		if id != NoToken {
			t.eog[id] = true
			t.attrs[id] = AttrControl
		}
	}
	for _, id := range []int32{t.eos, t.eot, t.eom} {
		if id != NoToken {
			t.eog[id] = true
		}
	}
}
