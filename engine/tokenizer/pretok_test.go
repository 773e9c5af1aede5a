package tokenizer

import (
	"errors"
	"reflect"
	"testing"
)

func splitWords(split splitter, text string) []string {
	var t cptText
	t.decode(text)
	var words []string
	start := 0
	for _, end := range split(&t, nil) {
		words = append(words, text[t.offs[start]:t.offs[end]])
		start = end
	}
	return words
}

// The expected words follow llama.cpp's scanners and the collapsed-regex
// semantics described in the spec (§5.4), including where they differ from
// Hugging Face's tokenizers.
func TestSplitters(t *testing.T) {
	cases := []struct {
		name  string
		split splitter
		text  string
		want  []string
	}{
		{"llama4 upper run then non-ASCII", splitLlama4, "ÀBC", []string{"À", "BC"}},
		{"llama4 ÉCOLE", splitLlama4, "ÉCOLE", []string{"É", "COLE"}},
		{"llama4 combining mark split off", splitLlama4, "cafe\u0301", []string{"cafe", "\u0301"}},
		{"llama4 camel case", splitLlama4, "HelloWorld", []string{"Hello", "World"}},
		{"llama4 all caps keeps contraction", splitLlama4, "DON'T go", []string{"DON'T", " go"}},
		{"llama4 digits by three", splitLlama4, "12345", []string{"123", "45"}},
		{"llama4 punctuation takes slashes and newlines", splitLlama4, "a.//\n\nb", []string{"a", ".//\n\n", "b"}},
		{"llama4 spaces before word", splitLlama4, "a   b", []string{"a", "  ", " b"}},
		{"llama4 trailing spaces", splitLlama4, "a  ", []string{"a", "  "}},
		{"llama4 newline run", splitLlama4, "a \n \nb", []string{"a", " \n \n", "b"}},
		{"llama4 nbsp is whitespace", splitLlama4, "a\u00a0b", []string{"a", "\u00a0b"}},
		{"llama3 camel case stays one word", splitLlama3, "HelloWorld", []string{"HelloWorld"}},
		{"llama3 contraction split", splitLlama3, "don't", []string{"don", "'t"}},
		{"llama3 contraction case-insensitive", splitLlama3, "WE'RE", []string{"WE", "'RE"}},
		{"llama3 digits by three", splitLlama3, "1234567", []string{"123", "456", "7"}},
		{"llama3 space punctuation newline", splitLlama3, "x ?!\n\ny", []string{"x", " ?!\n\n", "y"}},
		{"llama3 crlf", splitLlama3, "a\r\n\tb", []string{"a", "\r\n", "\tb"}},
		{"gpt2 contraction is case-sensitive", splitGPT2, "DON'T don't", []string{"DON", "'", "T", " don", "'t"}},
		{"gpt2 numbers unbounded", splitGPT2, "a 12345", []string{"a", " 12345"}},
	}
	for _, c := range cases {
		if got := splitWords(c.split, c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: split(%q) = %q, want %q", c.name, c.text, got, c.want)
		}
	}
}

func TestInvalidUTF8BecomesReplacementChar(t *testing.T) {
	tok := loadVocab(t, fixture(t, "vocab/tiny-vocab-llama4.gguf"))
	for _, text := range []string{"a\xffb", "\xe2\x82", "x\xc0\x80y"} {
		want := tok.Encode(normalizeUTF8(text), false, false)
		if got := tok.Encode(text, false, false); !reflect.DeepEqual(got, want) {
			t.Errorf("Encode(%q) = %v, want the encoding of %q: %v", text, got, normalizeUTF8(text), want)
		}
	}
	if got := normalizeUTF8("a\xffb\xc0\x80"); got != "a\uFFFDb\x00" {
		t.Errorf("normalizeUTF8 = %q", got)
	}
}

func TestNewRejectsUnknownVocabularies(t *testing.T) {
	base := Config{Model: "gpt2", Pre: "llama4", Tokens: []string{"a", "b", "ab"}, Merges: []string{"a b"},
		BOS: NoToken, EOS: NoToken, EOT: NoToken, EOM: NoToken, PAD: NoToken, UNK: NoToken}
	if _, err := New(base); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	for _, mod := range []func(*Config){
		func(c *Config) { c.Model = "t5" },
		func(c *Config) { c.Pre = "qwen2" },
		func(c *Config) { c.Pre = "" },
	} {
		cfg := base
		mod(&cfg)
		_, err := New(cfg)
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("model %q pre %q: err = %v, want ErrUnsupported", cfg.Model, cfg.Pre, err)
		}
	}
}

// A longer special token wins over a shorter one that starts earlier, as in
// llama.cpp's token-by-token partition.
func TestSpecialPartitionOrder(t *testing.T) {
	cfg := Config{Model: "gpt2", Pre: "llama4", Tokens: []string{"a", "b", "<x>", "x><yy>", "<q>"}, Types: []int32{1, 1, 3, 4, 5},
		Merges: []string{"a b"}, BOS: NoToken, EOS: NoToken, EOT: NoToken, EOM: NoToken, PAD: NoToken, UNK: NoToken}
	tok, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		text  string
		parse bool
		want  []fragment
	}{
		{"<x><yy>", true, []fragment{{text: "<", token: NoToken}, {token: 3}}},
		{"<x>a<x>", true, []fragment{{token: 2}, {text: "a", token: NoToken}, {token: 2}}},
		{"<x>a", false, []fragment{{text: "<x>a", token: NoToken}}},
		{"ax><yy>", false, []fragment{{text: "a", token: NoToken}, {token: 3}}},
		{"<q>", true, []fragment{{text: "<q>", token: NoToken}}},
	}
	for _, c := range cases {
		if got := tok.specials.partition(c.text, c.parse); !reflect.DeepEqual(got, c.want) {
			t.Errorf("partition(%q, %v) = %+v, want %+v", c.text, c.parse, got, c.want)
		}
	}
}

func TestStreamDecoderHoldsPartialCharacters(t *testing.T) {
	tok := loadVocab(t, fixture(t, "vocab/tiny-vocab-llama4.gguf"))
	ids := tok.Encode("🦙!", false, false)
	if len(ids) < 3 {
		t.Fatalf("expected the emoji to take several byte tokens, got %v", ids)
	}
	d := tok.NewStreamDecoder()
	var got []string
	for _, id := range ids {
		got = append(got, d.Add(id))
	}
	got = append(got, d.Flush())
	want := make([]string, len(ids)+1)
	// The emoji comes out whole with the token that completes it.
	want[len(ids)-2], want[len(ids)-1] = "🦙", "!"
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stream outputs %q, want %q", got, want)
	}
	d.Add(ids[0])
	if s := d.Flush(); s != "\uFFFD" {
		t.Errorf("Flush of a partial character = %q, want U+FFFD", s)
	}
}
