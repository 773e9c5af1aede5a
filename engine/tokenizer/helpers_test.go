package tokenizer

import (
	"testing"

	"hearth/engine/gguf"
)

// loadVocab opens a vocabulary GGUF and builds its tokenizer.
func loadVocab(t testing.TB, path string) *Tokenizer {
	t.Helper()
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tok, err := FromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
