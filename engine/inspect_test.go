package engine

import (
	"path/filepath"
	"testing"
)

// TestInspect checks the parameter counts against the tiny models' shapes
// (README: scout d=64, 4/2 heads of 16, 4 experts of width 64 with a shared
// expert, vocab 768, 4 MoE layers).
func TestInspect(t *testing.T) {
	dir := fixtures(t)
	info, err := Inspect(filepath.Join(dir, "models", "tiny-llama4-scout-f32.gguf"), 1024)
	if err != nil {
		t.Fatal(err)
	}
	const d, q, kvd, ff, e, v = 64, 64, 32, 64, 4, 768
	attn := int64(d*q + 2*d*kvd + q*d)
	expert := int64(3 * d * ff)
	perLayer := attn + int64(d*e) + e*expert + expert + 2*d
	total := 4*perLayer + 2*int64(d*v) + d + 8
	active := 4*(attn+int64(d*e)+2*expert) + int64(d*v)
	if info.TotalParams != total {
		t.Errorf("total params %d, want %d", info.TotalParams, total)
	}
	if info.ActiveParams != active {
		t.Errorf("active params %d, want %d", info.ActiveParams, active)
	}
	if len(info.Types) != 1 || info.Types[0].Type != "F32" || info.Types[0].Bytes != 4*total {
		t.Errorf("types %+v", info.Types)
	}
	if info.KV.ChunkedSlots != 1024 || info.KV.GlobalSlots != 1024 || info.KV.ChunkedLayers != 3 {
		t.Errorf("kv %+v", info.KV)
	}
	if info.TotalBytes() <= info.WeightBytes {
		t.Errorf("total bytes %d ≤ weights %d", info.TotalBytes(), info.WeightBytes)
	}
	t.Log("\n" + info.String())

	q4, err := Inspect(filepath.Join(dir, "models", "tiny-llama4-k256-q4_k_m.gguf"), 0)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, u := range q4.Types {
		kinds[u.Type] = u.Tensors
	}
	if kinds["Q4_K"] == 0 || kinds["Q6_K"] != 6 || kinds["F32"] == 0 {
		t.Errorf("Q4_K_M mix %v; want Q4_K, 6 Q6_K and F32 norms", kinds)
	}
	if q4.ContextLen != 16384 {
		t.Errorf("default context %d, want the trained 16384", q4.ContextLen)
	}
}
