package tokenizer

import (
	"testing"
	"unicode/utf8"
)

// FuzzRoundTrip checks on arbitrary input that encoding never fails and that
// decoding gives the text back (as llama.cpp sees it: invalid UTF-8 becomes
// U+FFFD), for the llama4 pre-tokenizer, which does no space clean-up.
func FuzzRoundTrip(f *testing.F) {
	tok := loadVocab(f, fixture(f, "vocab/tiny-vocab-llama4.gguf"))
	for _, s := range []string{"", "Hello World!", "a\xffb", "<|eot|>x", "  \r\n\t", "ÀBC café 🦙", "12345"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, parse bool) {
		ids := tok.Encode(text, false, parse)
		if got, want := tok.Decode(ids, false, true), normalizeUTF8(text); got != want {
			t.Errorf("Decode(Encode(%q)) = %q", text, got)
		}
		d := tok.NewStreamDecoder()
		for _, id := range ids {
			if s := d.Add(id); !utf8.ValidString(s) {
				t.Errorf("stream gave invalid UTF-8 %q", s)
			}
		}
		d.Flush()
	})
}
