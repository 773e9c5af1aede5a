package chat

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"hearth/engine/gguf"
	"hearth/engine/tokenizer"
)

var fixturesDir = filepath.Join("..", "..", "..", "shared", "fixtures")

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

func openGGUF(t testing.TB, rel string) *gguf.File {
	t.Helper()
	f, err := gguf.Open(fixture(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func loadTokenizer(t testing.TB, f *gguf.File) *tokenizer.Tokenizer {
	t.Helper()
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type chatFixture struct {
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	Rendered      string  `json:"rendered"`
	RenderedNoGen string  `json:"rendered_without_generation_prompt"`
	IDs           []int32 `json:"token_ids_bos_parse_special"`
	TokenizedWith string  `json:"tokenized_with"`
	Official31    *struct {
		Rendered string  `json:"rendered"`
		IDs      []int32 `json:"token_ids_bos_parse_special"`
	} `json:"official_llama31_template"`
}

func (c chatFixture) msgs() []Message {
	var out []Message
	for _, m := range c.Messages {
		out = append(out, Message{Role: m.Role, Content: m.Content})
	}
	return out
}

func TestFormatsMatchLlamaCpp(t *testing.T) {
	for _, tc := range []struct {
		file   string
		format Format
	}{
		{"chat/chat-llama4.json", Llama4{}},
		{"chat/chat-llama3.json", Llama3{}},
	} {
		t.Run(tc.format.Name(), func(t *testing.T) {
			var c chatFixture
			readJSON(t, fixture(t, tc.file), &c)
			f := openGGUF(t, c.TokenizedWith)
			tok := loadTokenizer(t, f)

			got, err := Detect(f)
			if err != nil || got.Name() != tc.format.Name() {
				t.Fatalf("Detect = %v, %v; want %s", got, err, tc.format.Name())
			}
			if r := tc.format.Render(c.msgs(), true); r != c.Rendered {
				t.Errorf("Render:\n got %q\nwant %q", r, c.Rendered)
			}
			if r := tc.format.Render(c.msgs(), false); r != c.RenderedNoGen {
				t.Errorf("Render without generation prompt:\n got %q\nwant %q", r, c.RenderedNoGen)
			}
			if ids := tok.Encode(tc.format.Render(c.msgs(), true), true, true); !reflect.DeepEqual(ids, c.IDs) {
				t.Errorf("tokenized render:\n got %v\nwant %v", ids, c.IDs)
			}
			p, err := Encode(tc.format, tok, c.msgs(), true, nil, LayoutTransformers)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p.IDs, c.IDs) {
				t.Errorf("Encode:\n got %v\nwant %v", p.IDs, c.IDs)
			}

			if c.Official31 != nil {
				f31 := Llama31{Date: "26 Jul 2024"}
				if r := f31.Render(c.msgs(), true); r != c.Official31.Rendered {
					t.Errorf("Llama31 Render:\n got %q\nwant %q", r, c.Official31.Rendered)
				}
				p, err := Encode(f31, tok, c.msgs(), true, nil, LayoutTransformers)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(p.IDs, c.Official31.IDs) {
					t.Errorf("Llama31 Encode:\n got %v\nwant %v", p.IDs, c.Official31.IDs)
				}
			}
		})
	}
}

func TestStopTokens(t *testing.T) {
	for _, tc := range []struct {
		vocab  string
		format Format
		want   []int32
	}{
		{"vocab/tiny-vocab-llama4.gguf", Llama4{}, []int32{687, 686, 680}},
		{"vocab/tiny-vocab-llama3.gguf", Llama3{}, []int32{688, 687, 680}},
		{"vocab/tiny-vocab-llama3.gguf", Llama31{}, []int32{688, 687, 680}},
	} {
		tok := loadTokenizer(t, openGGUF(t, tc.vocab))
		if got := tc.format.StopTokens(tok); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s StopTokens = %v, want %v", tc.format.Name(), got, tc.want)
		}
	}
}

func TestDetect(t *testing.T) {
	f := openGGUF(t, "vocab/tiny-vocab-llama3.gguf")
	cases := []struct {
		template string
		want     string
		errHas   string
	}{
		{"{{ bos_token }}Cutting Knowledge Date: December 2023 <|start_header_id|>x<|end_header_id|>", "llama3.1", ""},
		{"{% for m in messages %}<|im_start|>{{ m.role }}{% endfor %}", "", "<|im_start|>"},
		{"", "llama3", ""}, // no template: judged by the vocabulary's header tokens
	}
	for _, c := range cases {
		f.Override("tokenizer.chat_template", gguf.Str(c.template))
		got, err := Detect(f)
		switch {
		case c.errHas != "":
			if err == nil || !strings.Contains(err.Error(), c.errHas) {
				t.Errorf("template %q: err = %v, want one naming %q", c.template, err, c.errHas)
			}
		case err != nil || got.Name() != c.want:
			t.Errorf("template %q: Detect = %v, %v; want %s", c.template, got, err, c.want)
		}
	}
	g := openGGUF(t, "vocab/ggml-vocab-gpt-2.gguf")
	if _, err := Detect(g); err == nil || !strings.Contains(err.Error(), "no tokenizer.chat_template") {
		t.Errorf("gpt-2 vocabulary: err = %v, want a clear error", err)
	}
}

// The placeholder counts are the spec's (§6.2).
func TestImagePlaceholderTransformers(t *testing.T) {
	tok := loadTokenizer(t, openGGUF(t, "vocab/tiny-vocab-llama4.gguf"))
	for _, c := range []struct{ rows, cols, tokens, embeds int }{
		{1, 1, 147, 144},
		{2, 2, 727, 720},
		{4, 4, 2467, 2448},
	} {
		ids, at, err := ImagePlaceholder(tok, ImageGrid{Rows: c.rows, Cols: c.cols, TokensPerTile: 144}, LayoutTransformers)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != c.tokens || len(at) != c.embeds {
			t.Errorf("%d×%d: %d tokens, %d embeddings; want %d, %d", c.rows, c.cols, len(ids), len(at), c.tokens, c.embeds)
		}
	}
	// 1 row × 2 columns with 2 tokens per tile, spelled out.
	const start, end, patch, img, tx, ty = 698, 699, 710, 708, 702, 703
	ids, at, err := ImagePlaceholder(tok, ImageGrid{Rows: 1, Cols: 2, TokensPerTile: 2}, LayoutTransformers)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs := []int32{start, patch, patch, tx, patch, patch, ty, img, patch, patch, end}
	wantAt := []int{1, 2, 4, 5, 8, 9}
	if !reflect.DeepEqual(ids, wantIDs) || !reflect.DeepEqual(at, wantAt) {
		t.Errorf("1×2 layout = %v at %v, want %v at %v", ids, at, wantIDs, wantAt)
	}
	if _, _, err := ImagePlaceholder(tok, ImageGrid{Rows: 0, Cols: 2, TokensPerTile: 2}, LayoutTransformers); err == nil {
		t.Error("a 0-row grid was accepted")
	}
}

// llama.cpp's layout, checked against the vision goldens' token sequences.
func TestEncodeImagesMatchesLlamaCpp(t *testing.T) {
	tok := loadTokenizer(t, openGGUF(t, "vocab/tiny-vocab-llama4.gguf"))
	for _, name := range []string{"gradient-336x336", "wide-500x300", "tiny-60x40-rgba"} {
		var g struct {
			Grid          struct{ Cols, Rows int } `json:"grid"`
			TokensPerTile int                      `json:"image_tokens_per_tile"`
			Sequence      struct {
				IDs  []int32 `json:"ids_with_patch_placeholder"`
				Mask []int   `json:"image_position_mask"`
			} `json:"sequence"`
		}
		readJSON(t, fixture(t, "vision/goldens/"+name+".json"), &g)
		grid := ImageGrid{Rows: max(g.Grid.Rows, 1), Cols: max(g.Grid.Cols, 1), TokensPerTile: g.TokensPerTile}
		msgs := []Message{{Role: "user", Content: "What colours do you see?", Images: 1}}
		p, err := Encode(Llama4{}, tok, msgs, true, []ImageGrid{grid}, LayoutLlamaCpp)
		if err != nil {
			t.Fatal(err)
		}
		var wantPos []int
		for i, m := range g.Sequence.Mask {
			if m == 1 {
				wantPos = append(wantPos, i)
			}
		}
		if !reflect.DeepEqual(p.IDs, g.Sequence.IDs) {
			t.Errorf("%s: ids\n got %v\nwant %v", name, p.IDs, g.Sequence.IDs)
		}
		if !reflect.DeepEqual(p.ImagePositions, wantPos) {
			t.Errorf("%s: %d image positions, want %d", name, len(p.ImagePositions), len(wantPos))
		}
	}
}

func TestEncodeKeepsContentSpecialsAsText(t *testing.T) {
	tok := loadTokenizer(t, openGGUF(t, "vocab/tiny-vocab-llama4.gguf"))
	p, err := Encode(Llama4{}, tok, []Message{{Role: "user", Content: "<|eot|>"}}, false, nil, LayoutTransformers)
	if err != nil {
		t.Fatal(err)
	}
	eot, _ := tok.LookupSpecial("<|eot|>")
	n := 0
	for _, id := range p.IDs {
		if id == eot {
			n++
		}
	}
	if n != 1 {
		t.Errorf("prompt %v holds %d <|eot|> tokens, want only the template's 1", p.IDs, n)
	}
	if _, err := Encode(Llama3{}, tok, []Message{{Role: "user", Content: "x", Images: 1}}, false, []ImageGrid{{1, 1, 144}}, LayoutTransformers); err == nil {
		t.Error("Llama 3 accepted an image")
	}
	if _, err := Encode(Llama4{}, tok, []Message{{Role: "user", Content: "x", Images: 2}}, false, []ImageGrid{{1, 1, 144}}, LayoutTransformers); err == nil {
		t.Error("two images with one grid were accepted")
	}
}
