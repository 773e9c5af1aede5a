package synth

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"hearth/engine/gguf"
	"hearth/engine/quant"
)

func TestMoreBitsLayers(t *testing.T) {
	// The spec lists llama-quantize's more-bits layers for 32 blocks.
	want := map[int]bool{0: true, 1: true, 2: true, 3: true, 28: true, 29: true, 30: true, 31: true}
	for l := 6; l <= 27; l += 3 {
		want[l] = true
	}
	for l := 0; l < 32; l++ {
		if moreBits(l, 32) != want[l] {
			t.Errorf("layer %d: moreBits = %v", l, moreBits(l, 32))
		}
	}
}

func TestRopeFreqsLlama32(t *testing.T) {
	// Llama 3.2 1B (spec §4): 15 ones, 1.6513, 3.2923, 9.6667, then 14 × 32.
	f := ropeFreqs(llama3_1B)
	if len(f) != 32 {
		t.Fatalf("%d values", len(f))
	}
	for i := 0; i < 15; i++ {
		if f[i] != 1 {
			t.Errorf("f[%d] = %v, want 1", i, f[i])
		}
	}
	for i, want := range []float64{1.6513, 3.2923, 9.6667} {
		if math.Abs(float64(f[15+i])-want) > 1e-4 {
			t.Errorf("f[%d] = %v, want %v", 15+i, f[15+i], want)
		}
	}
	for i := 18; i < 32; i++ {
		if f[i] != 32 {
			t.Errorf("f[%d] = %v, want 32", i, f[i])
		}
	}
}

func TestVocabMergesAreValid(t *testing.T) {
	v := llama3Vocab(128256)
	if len(v.tokens) != 128256 || len(v.types) != 128256 {
		t.Fatalf("%d tokens, %d types", len(v.tokens), len(v.types))
	}
	index := map[string]int{}
	for i, tok := range v.tokens {
		if _, dup := index[tok]; dup {
			t.Fatalf("duplicate token %q", tok)
		}
		index[tok] = i
	}
	for i, m := range v.merges {
		a, b, ok := strings.Cut(m, " ")
		ia, okA := index[a]
		ib, okB := index[b]
		ir, okR := index[a+b]
		if !ok || !okA || !okB || !okR || ir != 256+i || ia >= ir || ib >= ir {
			t.Fatalf("merge %d %q does not build token %d from earlier tokens", i, m, 256+i)
		}
	}
	if v.tokens[128009] != "<|eot_id|>" || v.tokens[128000] != "<|begin_of_text|>" {
		t.Fatal("special tokens out of place")
	}
	v4 := llama4Vocab(202048)
	if v4.tokens[200008] != "<|eot|>" || v4.tokens[200092] != "<|patch|>" || v4.types[202047] != tokUnused {
		t.Fatal("llama4 special tokens out of place")
	}
}

// TestWriteSmallModel writes a narrow model with the real vocabulary and the
// Q4_K_M mix and reads it back.
func TestWriteSmallModel(t *testing.T) {
	shape := llama3_1B
	shape.Embd, shape.Layers, shape.Heads, shape.HeadsKV, shape.FF = 256, 8, 4, 2, 512
	path := filepath.Join(t.TempDir(), "small.gguf")
	if err := Write(path, Model{"small", shape, MixQ4KM}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]quant.Type{
		"token_embd.weight":        quant.Q6_K, // tied embeddings get Q6_K
		"blk.0.attn_v.weight":      quant.Q6_K, // first eighth: more bits
		"blk.1.attn_v.weight":      quant.Q4_K,
		"blk.3.ffn_down.weight":    quant.Q6_K, // (3-1)%3 == 2
		"blk.2.ffn_down.weight":    quant.Q4_K,
		"blk.7.ffn_down.weight":    quant.Q6_K, // last eighth
		"blk.4.attn_q.weight":      quant.Q4_K,
		"blk.4.attn_norm.weight":   quant.F32,
		"rope_freqs.weight":        quant.F32,
		"blk.4.ffn_gate.weight":    quant.Q4_K,
		"blk.4.attn_output.weight": quant.Q4_K,
	}
	for name, typ := range want {
		tn, ok := f.Tensor(name)
		if !ok || tn.Type != typ {
			t.Errorf("%s: %v %v, want %s", name, ok, tn, typ)
		}
	}
	if _, ok := f.Tensor("output.weight"); ok {
		t.Error("tied model has output.weight")
	}
	if n, _ := f.Uint("llama.block_count"); n != 8 {
		t.Errorf("block_count %d", n)
	}
	toks, _ := f.Strings("tokenizer.ggml.tokens")
	if len(toks) != 128256 {
		t.Errorf("%d tokens", len(toks))
	}
}
