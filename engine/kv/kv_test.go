package kv

import (
	"testing"
)

func TestRingKeepsOnlyTheChunk(t *testing.T) {
	c, err := New(Config{Chunked: []bool{true, false}, KVDim: 2, Context: 100, Chunk: 8, Type: F32})
	if err != nil {
		t.Fatal(err)
	}
	ch, gl := c.Layer(0), c.Layer(1)
	if ch.Slots() != 8 || gl.Slots() != 100 {
		t.Fatalf("slots %d/%d, want 8/100", ch.Slots(), gl.Slots())
	}
	for p := 0; p < 20; p++ {
		row := []float32{float32(p), float32(-p)}
		ch.Store(p, row, row)
		gl.Store(p, row, row)
	}
	// positions 16…19 of the third chunk overwrote 0…3 and 8…11
	for p := 16; p < 20; p++ {
		if got := ch.KeysF32()[ch.Slot(p)*2]; got != float32(p) {
			t.Errorf("chunked slot of %d holds %g", p, got)
		}
	}
	for p := 0; p < 20; p++ {
		if got := gl.ValuesF32()[gl.Slot(p)*2+1]; got != float32(-p) {
			t.Errorf("global slot of %d holds %g", p, got)
		}
	}
}

func TestF16Storage(t *testing.T) {
	c, err := New(Config{Chunked: []bool{false}, KVDim: 3, Context: 4, Chunk: 1, Type: F16})
	if err != nil {
		t.Fatal(err)
	}
	l := c.Layer(0)
	l.Store(2, []float32{1, 0.5, -2}, []float32{3, 1.0 / 3, 0})
	if l.KeysF32() != nil || len(l.KeysF16()) != 12 {
		t.Fatal("f16 cache exposes f32 storage")
	}
	want := []uint16{0x3c00, 0x3800, 0xc000} // 1, 0.5, −2
	for i, w := range want {
		if got := l.KeysF16()[6+i]; got != w {
			t.Errorf("key %d = %#x, want %#x", i, got, w)
		}
	}
	if got := l.ValuesF16()[7]; got != 0x3555 { // 1/3 rounded to f16
		t.Errorf("1/3 stored as %#x, want 0x3555", got)
	}
}

// TestReport checks the memory figures the spec gives for Scout at 128K:
// 12 global layers × 131072 × 4096 B = 6 GiB and 36 chunked layers of a
// ring of exactly 8192 = 1.125 GiB (f16).
func TestReport(t *testing.T) {
	chunked := make([]bool, 48)
	for l := range chunked {
		chunked[l] = (l+1)%4 != 0
	}
	r := Estimate(Config{Chunked: chunked, KVDim: 1024, Context: 131072, Chunk: 8192, Type: F16})
	if r.GlobalLayers != 12 || r.ChunkedLayers != 36 {
		t.Fatalf("layers %d/%d", r.GlobalLayers, r.ChunkedLayers)
	}
	if r.GlobalBytes != 6<<30 || r.ChunkedBytes != 1152<<20 {
		t.Errorf("global %d B (want 6 GiB), chunked %d B (want 1.125 GiB)", r.GlobalBytes, r.ChunkedBytes)
	}
	small := Estimate(Config{Chunked: chunked, KVDim: 1024, Context: 1000, Chunk: 8192, Type: F32})
	if small.ChunkedSlots != 1000 {
		t.Errorf("a context shorter than the chunk keeps %d slots", small.ChunkedSlots)
	}
}

func TestBadConfig(t *testing.T) {
	for _, c := range []Config{
		{Chunked: []bool{false}, KVDim: 0, Context: 4},
		{Chunked: []bool{true}, KVDim: 4, Context: 4, Chunk: 0},
	} {
		if _, err := New(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if _, err := ParseType("q4"); err == nil {
		t.Error("ParseType accepted q4")
	}
}
