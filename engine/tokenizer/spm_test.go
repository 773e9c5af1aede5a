package tokenizer

import "testing"

// SentencePiece text survives a round trip without BOS: Decode drops the
// space that Encode put in front (llama.cpp keeps it when the ids start with
// BOS), and byte tokens rebuild characters with no piece.
func TestSPMRoundTrip(t *testing.T) {
	base := fixture(t, "vocab/ggml-vocab-llama-spm.gguf")
	tok := loadVocab(t, base)
	texts, _ := readInpOut(t, base+".inp", base+".out")
	for _, text := range texts {
		if got := tok.Decode(tok.Encode(text, false, false), false, false); got != text {
			t.Errorf("round trip of %q gave %q", text, got)
		}
	}
}
