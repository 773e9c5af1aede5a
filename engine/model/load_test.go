package model

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"hearth/engine/cpu"
	"hearth/engine/gguf"
	"hearth/engine/kv"
	"hearth/engine/quant"
)

// rewrite copies the fixture model name into a temporary GGUF, letting edit
// change, drop (return false) or keep each tensor.
func rewrite(t *testing.T, name string, edit func(tn *gguf.Tensor) (typ quant.Type, dims []int64, data []byte, keep bool)) string {
	t.Helper()
	f, err := gguf.Open(filepath.Join(fixtures(t), "models", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := gguf.NewWriter()
	for _, k := range f.Keys() {
		v, _ := f.Value(k)
		w.Set(k, v)
	}
	for _, tn := range f.Tensors() {
		typ, dims, data, keep := edit(tn)
		if !keep {
			continue
		}
		if err := w.AddTensor(tn.Name, typ, dims, data); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "edited.gguf")
	if err := w.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func keep(tn *gguf.Tensor) (quant.Type, []int64, []byte, bool) {
	return tn.Type, tn.Dims, tn.Data, true
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name string
		edit func(tn *gguf.Tensor) (quant.Type, []int64, []byte, bool)
		want string
	}{
		{"missing tensor", func(tn *gguf.Tensor) (quant.Type, []int64, []byte, bool) {
			if tn.Name == "blk.2.attn_k.weight" {
				return 0, nil, nil, false
			}
			return keep(tn)
		}, "blk.2.attn_k.weight is missing"},
		{"wrong shape", func(tn *gguf.Tensor) (quant.Type, []int64, []byte, bool) {
			if tn.Name == "blk.1.ffn_up.weight" {
				return tn.Type, []int64{tn.Dims[1], tn.Dims[0]}, tn.Data, true
			}
			return keep(tn)
		}, "blk.1.ffn_up.weight has shape [128 64], want [64 128]"},
		{"unsupported type", func(tn *gguf.Tensor) (quant.Type, []int64, []byte, bool) {
			if tn.Name == "blk.0.attn_q.weight" {
				n, _ := quant.RowBytes(quant.MXFP4, 64)
				return quant.MXFP4, tn.Dims, make([]byte, 64*n), true
			}
			return keep(tn)
		}, "blk.0.attn_q.weight: MXFP4 is not supported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := gguf.Open(rewrite(t, "tiny-llama3-f32.gguf", c.edit))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, err = Load(f)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestTiedEmbeddings drops output.weight: the head must then be token_embd,
// i.e. logit[v] = token_embd[v] · final_norm.
func TestTiedEmbeddings(t *testing.T) {
	path := rewrite(t, "tiny-llama3-f32.gguf", func(tn *gguf.Tensor) (quant.Type, []int64, []byte, bool) {
		if tn.Name == "output.weight" {
			return 0, nil, nil, false
		}
		return keep(tn)
	})
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := Load(f)
	if err != nil {
		t.Fatal(err)
	}
	pool := cpu.NewPool(1)
	defer pool.Close()
	st := NewState(m, pool, 8, 16, false)
	var norm []float32
	st.Trace = func(label string, _ int, vals []float32) {
		if label == "final_norm" {
			norm = append([]float32(nil), vals...)
		}
	}
	cache, _ := kv.New(kv.Config{Chunked: m.Config.ChunkedLayers(), KVDim: m.Config.KVDim(), Context: 16, Chunk: 1, Type: kv.F32})
	ids := []int32{679, 10, 20, 30}
	logits := make([]float32, m.Config.Vocab)
	if err := m.Forward(st, cache, ids, nil, 0, false, logits); err != nil {
		t.Fatal(err)
	}
	e := m.Config.Embd
	z := norm[(len(ids)-1)*e:]
	emb, _ := f.Tensor("token_embd.weight")
	w, _ := emb.F32()
	for v := 0; v < m.Config.Vocab; v++ {
		var want float64
		for i := 0; i < e; i++ {
			want += float64(w[v*e+i]) * float64(z[i])
		}
		if math.Abs(want-float64(logits[v])) > 1e-4 {
			t.Fatalf("logit %d = %g, want token_embd·z = %g", v, logits[v], want)
		}
	}
}

func TestForwardRejectsBadInput(t *testing.T) {
	f, err := gguf.Open(filepath.Join(fixtures(t), "models", "tiny-llama3-f32.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, _ := Load(f)
	pool := cpu.NewPool(1)
	defer pool.Close()
	st := NewState(m, pool, 4, 8, false)
	cache, _ := kv.New(kv.Config{Chunked: m.Config.ChunkedLayers(), KVDim: m.Config.KVDim(), Context: 8, Chunk: 1, Type: kv.F32})
	logits := make([]float32, m.Config.Vocab)
	for _, ids := range [][]int32{nil, {5, 696}, {-1}} {
		if err := m.Forward(st, cache, ids, nil, 0, false, logits); err == nil {
			t.Errorf("Forward(%v) succeeded", ids)
		}
	}
}
