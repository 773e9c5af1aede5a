package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// tinyVocab is the shared fixture vocabulary the tests tokenize with.
func tinyVocab(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "fixtures", "vocab", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("fixture %s not available (expected the shared fixtures beside the repository): %v", name, err)
	}
	return p
}

// The expected ids are llama.cpp's, from the tokenizer goldens
// (tiny-llama4-tokenizer-goldens.json, "Hello World!" and
// "<|begin_of_text|>Hello<|eot|>").
func TestTokenizeJSON(t *testing.T) {
	vocab := tinyVocab(t, "tiny-vocab-llama4.gguf")
	cases := []struct {
		args   []string
		ids    []int32
		pieces []string
	}{
		{[]string{"--json", "--model", vocab, "Hello World!"},
			[]int32{679, 39, 299, 354, 361, 270, 436, 0},
			[]string{"<|begin_of_text|>", "H", "el", "lo", " W", "or", "ld", "!"}},
		{[]string{"--json", "--no-bos", "--model", vocab, "Hello World!"},
			[]int32{39, 299, 354, 361, 270, 436, 0},
			[]string{"H", "el", "lo", " W", "or", "ld", "!"}},
		{[]string{"--json", "--no-bos", "--model", vocab, "<|begin_of_text|>Hello<|eot|>"},
			[]int32{679, 39, 299, 354, 687},
			[]string{"<|begin_of_text|>", "H", "el", "lo", "<|eot|>"}},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		if code := runTokenize(c.args, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errb.String())
		}
		var got struct {
			IDs    []int32  `json:"ids"`
			Pieces []string `json:"pieces"`
		}
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("%v: output %q: %v", c.args, out.String(), err)
		}
		if !reflect.DeepEqual(got.IDs, c.ids) || !reflect.DeepEqual(got.Pieces, c.pieces) {
			t.Errorf("%v: got %v %q, want %v %q", c.args, got.IDs, got.Pieces, c.ids, c.pieces)
		}
		if !strings.HasPrefix(out.String(), `{"ids": [`) || !strings.Contains(out.String(), `], "pieces": ["`) {
			t.Errorf("%v: output %q is not in the stable format", c.args, out.String())
		}
	}
}

func TestTokenizeHuman(t *testing.T) {
	vocab := tinyVocab(t, "tiny-vocab-llama4.gguf")
	var out, errb bytes.Buffer
	if code := runTokenize([]string{"--no-bos", "--model", vocab, "a\n"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	// "a" is token 64 and "\n" is 198 in the tiny vocabulary.
	if want := "64\t\"a\"\n198\t\"\\n\"\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}

func TestTokenizeUsageErrors(t *testing.T) {
	vocab := tinyVocab(t, "tiny-vocab-llama4.gguf")
	for _, args := range [][]string{
		{"text"},
		{"--model", vocab},
		{"--model", vocab, "a", "b"},
		{"--bogus", "--model", vocab, "a"},
	} {
		var out, errb bytes.Buffer
		if code := runTokenize(args, &out, &errb); code != 2 || errb.Len() == 0 {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a message", args, code, errb.String())
		}
	}
	var out, errb bytes.Buffer
	if code := runTokenize([]string{"--model", "no-such-file.gguf", "a"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "no-such-file.gguf") {
		t.Errorf("missing model: exit %d, stderr %q", code, errb.String())
	}
}
