package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureIndex is the part of fixtures/models/index.json that model info
// must agree with: metadata written by gguf-py and every tensor's shape.
type fixtureIndex struct {
	Models map[string]struct {
		Metadata map[string]any `json:"metadata"`
		Tensors  []struct {
			Name   string  `json:"name"`
			Type   string  `json:"type"`
			GGMLNe []int64 `json:"ggml_ne"`
		} `json:"tensors"`
	} `json:"models"`
}

// TestModelInfoMatchesIndex runs `hearth model info --json` on every fixture
// model and checks what it prints against index.json.
func TestModelInfoMatchesIndex(t *testing.T) {
	dir := filepath.Join(sharedFixtures(t), "models")
	raw, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx fixtureIndex
	if err := json.Unmarshal(raw, &idx); err != nil {
		t.Fatal(err)
	}
	for name, want := range idx.Models {
		var out, errOut bytes.Buffer
		if code := runModel([]string{"info", filepath.Join(dir, name), "--json", "--ctx", "512"}, &out, &errOut); code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errOut.String())
		}
		var got modelInfoJSON
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out.String())
		}
		meta := want.Metadata
		arch := meta["general.architecture"].(string)
		num := func(key string) int { v, _ := meta[arch+"."+key].(float64); return int(v) }
		checks := []struct {
			what      string
			got, want int
		}{
			{"layers", got.Layers, num("block_count")},
			{"embedding_length", got.EmbeddingLen, num("embedding_length")},
			{"heads", got.Heads, num("attention.head_count")},
			{"heads_kv", got.HeadsKV, num("attention.head_count_kv")},
			{"context_length", got.ContextTrain, num("context_length")},
			{"vocab_size", got.VocabSize, num("vocab_size")},
			{"experts", got.Experts, num("expert_count")},
			{"memory.context", got.Memory.Context, 512},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: %s = %d, index says %d", name, c.what, c.got, c.want)
			}
		}
		if got.Architecture != arch {
			t.Errorf("%s: architecture %q, want %q", name, got.Architecture, arch)
		}

		// Parameters and the quantization mix, recomputed from the tensor list.
		var total, active int64
		types := map[string]int{}
		for _, tn := range want.Tensors {
			n := int64(1)
			for _, d := range tn.GGMLNe {
				n *= d
			}
			total += n
			types[tn.Type]++
			switch {
			case len(tn.GGMLNe) < 2 || tn.Name == "token_embd.weight":
			case strings.Contains(tn.Name, "_exps."):
				active += n / int64(num("expert_count")) * int64(num("expert_used_count"))
			default:
				active += n
			}
		}
		if got.TotalParams != total || got.ActiveParams != active {
			t.Errorf("%s: params %d total / %d active, index gives %d / %d", name, got.TotalParams, got.ActiveParams, total, active)
		}
		if len(got.Quantization) != len(types) {
			t.Errorf("%s: %d tensor types, index has %d", name, len(got.Quantization), len(types))
		}
		for _, q := range got.Quantization {
			if types[q.Type] != q.Tensors {
				t.Errorf("%s: %d %s tensors, index has %d", name, q.Tensors, q.Type, types[q.Type])
			}
		}
		if got.Memory.TotalBytes <= got.Memory.WeightBytes || got.Memory.KVBytes <= 0 {
			t.Errorf("%s: memory estimate %+v", name, got.Memory)
		}
	}
}

func TestModelInfoUsageErrors(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runModel(nil, &out, &errOut); code != 2 {
		t.Errorf("no subcommand: exit %d", code)
	}
	if code := runModel([]string{"info", "/nonexistent.gguf"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "nonexistent.gguf") {
		t.Errorf("missing file: exit %d, %q", code, errOut.String())
	}
}
