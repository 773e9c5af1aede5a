package tokenizer

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"hearth/engine/gguf"
)

// codeCorpus returns about 1 MB of Go source: the engine's own files,
// repeated.
func codeCorpus(b *testing.B) string {
	b.Helper()
	var sb strings.Builder
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err == nil {
			sb.Write(src)
		}
		return err
	})
	if err != nil || sb.Len() == 0 {
		b.Fatalf("no Go sources under ..: %v", err)
	}
	const size = 1 << 20
	src := sb.String()
	text := strings.Repeat(src, size/len(src)+1)[:size]
	for !utf8.ValidString(text) {
		text = text[:len(text)-1]
	}
	return text
}

// BenchmarkEncode tokenizes 1 MB of source code. "gpt2-merges-llama4" runs
// the llama4 pre-tokenizer over GPT-2's 50k-merge vocabulary, the closest
// stand-in for a real Llama 4 vocabulary in the fixtures. "cold" clears the
// word cache before every run.
func BenchmarkEncode(b *testing.B) {
	text := codeCorpus(b)
	vocabs := []struct{ name, file, pre string }{
		{"tiny-llama4", "vocab/tiny-vocab-llama4.gguf", ""},
		{"tiny-llama3", "vocab/tiny-vocab-llama3.gguf", ""},
		{"gpt2", "vocab/ggml-vocab-gpt-2.gguf", ""},
		{"gpt2-merges-llama4", "vocab/ggml-vocab-gpt-2.gguf", "llama4"},
	}
	for _, v := range vocabs {
		b.Run(v.name, func(b *testing.B) {
			f, err := gguf.Open(fixture(b, v.file))
			if err != nil {
				b.Fatal(err)
			}
			cfg, err := ConfigFromGGUF(f)
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
			if v.pre != "" {
				cfg.Pre = v.pre
			}
			tok, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			for _, cold := range []bool{false, true} {
				name := "warm"
				if cold {
					name = "cold"
				}
				b.Run(name, func(b *testing.B) {
					b.SetBytes(int64(len(text)))
					for b.Loop() {
						if cold {
							b.StopTimer()
							tok.cache = make(map[string][]int32)
							b.StartTimer()
						}
						tok.Encode(text, false, true)
					}
				})
			}
		})
	}
}

// BenchmarkNew builds the GPT-2 vocabulary (50k tokens, 50k merges); a Llama
// 4 file has about four times as many tokens and nine times as many merges.
func BenchmarkNew(b *testing.B) {
	f, err := gguf.Open(fixture(b, "vocab/ggml-vocab-gpt-2.gguf"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	cfg, err := ConfigFromGGUF(f)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := New(cfg); err != nil {
			b.Fatal(err)
		}
	}
}
