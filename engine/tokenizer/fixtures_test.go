package tokenizer

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// fixturesDir is the shared llama.cpp reference data beside the repository.
var fixturesDir = filepath.Join("..", "..", "..", "shared", "fixtures")

// fixture returns the path of a shared fixture, skipping the test when the
// fixtures are not checked out next to the repository.
func fixture(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(fixturesDir, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("fixture %s not available (expected the shared fixtures beside the repository): %v", rel, err)
	}
	return p
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

type goldenCase struct {
	Text          string            `json:"text"`
	TextHex       string            `json:"text_hex"`
	IDsPlain      []int32           `json:"ids_plain"`
	IDsSpecial    []int32           `json:"ids_special"`
	IDsBOSSpecial []int32           `json:"ids_bos_special"`
	IDsBOSPlain   []int32           `json:"ids_bos_plain"`
	PiecesHex     []string          `json:"pieces_hex_of_ids_special"`
	DetokHex      map[string]string `json:"detok_hex"`
}

type goldenFile struct {
	VocabFile string       `json:"vocab_file"`
	Cases     []goldenCase `json:"cases"`
}

func idsEqual(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTokenizerGoldens(t *testing.T) {
	for _, model := range []string{"llama4", "llama3"} {
		t.Run(model, func(t *testing.T) {
			var g goldenFile
			readJSON(t, fixture(t, "tokenizer/tiny-"+model+"-tokenizer-goldens.json"), &g)
			tok := loadVocab(t, fixture(t, g.VocabFile))
			passed := 0
			for i, c := range g.Cases {
				text := string(mustHex(t, c.TextHex))
				name := fmt.Sprintf("%d/%.20q", i, text)
				ok := true
				check := func(what string, got, want []int32) {
					if !idsEqual(got, want) {
						ok = false
						t.Errorf("%s: %s:\n got %v\nwant %v", name, what, got, want)
					}
				}
				check("ids_plain", tok.Encode(text, false, false), c.IDsPlain)
				check("ids_special", tok.Encode(text, false, true), c.IDsSpecial)
				check("ids_bos_special", tok.Encode(text, true, true), c.IDsBOSSpecial)
				check("ids_bos_plain", tok.Encode(text, true, false), c.IDsBOSPlain)
				for j, id := range c.IDsSpecial {
					if got := hex.EncodeToString(tok.Piece(id, true)); got != c.PiecesHex[j] {
						ok = false
						t.Errorf("%s: piece of %d = %s, want %s", name, id, got, c.PiecesHex[j])
					}
				}
				detok := []struct {
					key            string
					ids            []int32
					remove, unpars bool
				}{
					{"ids_plain_unparse", c.IDsPlain, false, true},
					{"ids_special_unparse", c.IDsSpecial, false, true},
					{"ids_special_no_unparse", c.IDsSpecial, false, false},
					{"ids_bos_special_remove_special", c.IDsBOSSpecial, true, false},
				}
				for _, d := range detok {
					want := mustHex(t, c.DetokHex[d.key])
					if got := tok.Decode(d.ids, d.remove, d.unpars); got != string(want) {
						ok = false
						t.Errorf("%s: detok %s = %q, want %q", name, d.key, got, want)
					}
				}
				if ok {
					passed++
				}
			}
			t.Logf("%s: %d/%d cases pass", model, passed, len(g.Cases))
		})
	}
}

type vocabDump struct {
	VocabFile string `json:"vocab_file"`
	Info      struct {
		NTokens int   `json:"n_tokens"`
		BOS     int32 `json:"bos"`
		EOS     int32 `json:"eos"`
		AddBOS  int   `json:"add_bos"`
	} `json:"info"`
	Tokens []struct {
		ID              int32  `json:"id"`
		Attr            Attr   `json:"attr"`
		IsEOG           bool   `json:"is_eog"`
		IsControl       bool   `json:"is_control"`
		TextHex         string `json:"text_hex"`
		PieceSpecialHex string `json:"piece_special_hex"`
		PiecePlainHex   string `json:"piece_plain_hex"`
	} `json:"tokens"`
}

func TestVocabDump(t *testing.T) {
	for _, model := range []string{"llama4", "llama3"} {
		t.Run(model, func(t *testing.T) {
			var d vocabDump
			readJSON(t, fixture(t, "tokenizer/tiny-"+model+"-vocab-dump.json"), &d)
			tok := loadVocab(t, fixture(t, d.VocabFile))
			if tok.VocabSize() != d.Info.NTokens || tok.BOS() != d.Info.BOS || tok.EOS() != d.Info.EOS || tok.AddsBOS() != (d.Info.AddBOS == 1) {
				t.Errorf("info: got n=%d bos=%d eos=%d addBOS=%v, want %+v", tok.VocabSize(), tok.BOS(), tok.EOS(), tok.AddsBOS(), d.Info)
			}
			bad := 0
			for _, want := range d.Tokens {
				id := want.ID
				got := fmt.Sprintf("attr=%d eog=%v control=%v text=%x special=%x plain=%x",
					tok.Attr(id), tok.IsEOG(id), tok.Attr(id)&AttrControl != 0, tok.TokenText(id), tok.Piece(id, true), tok.Piece(id, false))
				exp := fmt.Sprintf("attr=%d eog=%v control=%v text=%s special=%s plain=%s",
					want.Attr, want.IsEOG, want.IsControl, want.TextHex, want.PieceSpecialHex, want.PiecePlainHex)
				if got != exp {
					bad++
					t.Errorf("token %d:\n got %s\nwant %s", id, got, exp)
				}
			}
			t.Logf("%s: %d/%d tokens match", model, len(d.Tokens)-bad, len(d.Tokens))
		})
	}
}

// readInpOut parses llama.cpp's test-tokenizer-0 files: strings separated by
// "\n__ggml_vocab_test__\n" and one line of ids per string.
func readInpOut(t testing.TB, inp, out string) (texts []string, ids [][]int32) {
	t.Helper()
	in, err := os.ReadFile(inp)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(in), "\n__ggml_vocab_test__\n")
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	ob, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(ob), "\n"), "\n")
	if len(lines) != len(parts) {
		t.Fatalf("%s: %d strings but %d id lines", inp, len(parts), len(lines))
	}
	for _, l := range lines {
		var row []int32
		for _, f := range strings.Fields(l) {
			v, err := strconv.Atoi(f)
			if err != nil {
				t.Fatal(err)
			}
			row = append(row, int32(v))
		}
		ids = append(ids, row)
	}
	return parts, ids
}

func TestVocabInpOut(t *testing.T) {
	for _, name := range []string{"tiny-vocab-llama4", "tiny-vocab-llama3", "ggml-vocab-gpt-2", "ggml-vocab-llama-spm"} {
		t.Run(name, func(t *testing.T) {
			base := fixture(t, "vocab/"+name+".gguf")
			tok := loadVocab(t, base)
			texts, want := readInpOut(t, base+".inp", base+".out")
			passed := 0
			for i, text := range texts {
				got := tok.Encode(text, false, false)
				if !idsEqual(got, want[i]) {
					t.Errorf("%d %q:\n got %v\nwant %v", i, text, got, want[i])
					continue
				}
				passed++
			}
			t.Logf("%s: %d/%d strings pass", name, passed, len(texts))
		})
	}
}

func TestStreamDecoderMatchesDetokenize(t *testing.T) {
	var g goldenFile
	readJSON(t, fixture(t, "tokenizer/tiny-llama4-tokenizer-goldens.json"), &g)
	tok := loadVocab(t, fixture(t, g.VocabFile))
	for i, c := range g.Cases {
		want := mustHex(t, c.DetokHex["ids_special_no_unparse"])
		d := tok.NewStreamDecoder()
		var got bytes.Buffer
		for _, id := range c.IDsSpecial {
			s := d.Add(id)
			if !utf8.ValidString(s) {
				t.Errorf("case %d: Add(%d) returned invalid UTF-8 %q", i, id, s)
			}
			got.WriteString(s)
		}
		got.WriteString(d.Flush())
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("case %d: streamed %q, want %q", i, got.Bytes(), want)
		}
	}
}

// The tiny models carry the same vocabularies as the vocab-only files.
func TestModelFilesTokenize(t *testing.T) {
	for _, c := range []struct{ model, goldens string }{
		{"models/tiny-llama4-scout-q4_0.gguf", "tokenizer/tiny-llama4-tokenizer-goldens.json"},
		{"models/tiny-llama3-q8_0.gguf", "tokenizer/tiny-llama3-tokenizer-goldens.json"},
	} {
		var g goldenFile
		readJSON(t, fixture(t, c.goldens), &g)
		tok := loadVocab(t, fixture(t, c.model))
		for _, gc := range g.Cases {
			text := string(mustHex(t, gc.TextHex))
			if got := tok.Encode(text, true, true); !idsEqual(got, gc.IDsBOSSpecial) {
				t.Errorf("%s: %q: got %v, want %v", c.model, text, got, gc.IDsBOSSpecial)
			}
		}
	}
}

// Encode may be called from several goroutines at once (the word cache is
// shared); run with -race to check.
func TestConcurrentEncode(t *testing.T) {
	var g goldenFile
	readJSON(t, fixture(t, "tokenizer/tiny-llama3-tokenizer-goldens.json"), &g)
	tok := loadVocab(t, fixture(t, g.VocabFile))
	texts := make([]string, len(g.Cases))
	for i, c := range g.Cases {
		texts[i] = string(mustHex(t, c.TextHex))
	}
	errs := make(chan string, 4*len(g.Cases))
	done := make(chan struct{})
	for w := 0; w < 4; w++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i, c := range g.Cases {
				text := texts[i]
				if got := tok.Encode(text, false, false); !idsEqual(got, c.IDsPlain) {
					errs <- fmt.Sprintf("%q: got %v, want %v", text, got, c.IDsPlain)
				}
			}
		}()
	}
	for w := 0; w < 4; w++ {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
