package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"hearth/engine/internal/golden"
	"hearth/engine/kv"
	"hearth/engine/sample"
)

func loadFixture(t testing.TB, name string, opts LoadOptions) *Model {
	t.Helper()
	m, err := Load(filepath.Join(fixtures(t), "models", name), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func goldenRun(t testing.TB, name string) (*golden.Run, []int32) {
	t.Helper()
	run, err := golden.Load(fixtures(t), name)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := run.Prompt()
	if err != nil {
		t.Fatal(err)
	}
	return run, ids
}

// TestGenerateGreedyMatchesGolden drives Generate with the greedy sampler
// and expects llama.cpp's 16 greedy tokens.
func TestGenerateGreedyMatchesGolden(t *testing.T) {
	for _, name := range []string{"scout-f32", "maverick-f32", "llama3-f32", "scout-f32-chunk16"} {
		t.Run(name, func(t *testing.T) {
			run, ids := goldenRun(t, name)
			m, err := Load(run.ModelPath(), LoadOptions{Overrides: run.Overrides(), Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			s, err := m.NewSession(SessionOptions{ContextLen: 128, KVType: kv.F32})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Prefill(ids); err != nil {
				t.Fatal(err)
			}
			var got []int32
			for id, err := range s.Generate(context.Background(), sample.Greedy{}) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, id)
				if len(got) == len(run.Greedy.IDs) {
					break
				}
			}
			if !slices.Equal(got, run.Greedy.IDs) {
				t.Errorf("greedy %v, want %v", got, run.Greedy.IDs)
			}
			if s.Pos() != len(ids)+len(got) {
				t.Errorf("Pos %d, want %d (every yielded token is in the cache)", s.Pos(), len(ids)+len(got))
			}
		})
	}
}

func TestGenerateStopsOnCancel(t *testing.T) {
	_, ids := goldenRun(t, "scout-f32")
	m := loadFixture(t, "tiny-llama4-scout-f32.gguf", LoadOptions{})
	s, err := m.NewSession(SessionOptions{ContextLen: 128})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Prefill(ids); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	var last error
	for _, err := range s.Generate(ctx, sample.Greedy{}) {
		if err != nil {
			last = err
			break
		}
		n++
		if n == 3 {
			cancel()
		}
	}
	if n != 3 || !errors.Is(last, context.Canceled) {
		t.Errorf("got %d tokens and error %v, want 3 and context.Canceled", n, last)
	}
}

func TestContextFullIsAnError(t *testing.T) {
	_, ids := goldenRun(t, "llama3-f32")
	m := loadFixture(t, "tiny-llama3-f32.gguf", LoadOptions{})
	s, err := m.NewSession(SessionOptions{ContextLen: 40})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Prefill(ids)
	if !errors.Is(err, ErrContextFull) {
		t.Fatalf("Prefill of %d tokens into 40: %v, want ErrContextFull", len(ids), err)
	}
	if s.Pos() != 0 {
		t.Errorf("a refused prompt left %d positions", s.Pos())
	}
}

// TestTruncateRegenerates cuts a session back (within the current chunk and
// across chunk boundaries of the chunk-16 model) and checks the logits equal
// those of a fresh prefill of the same tokens.
func TestTruncateRegenerates(t *testing.T) {
	run, ids := goldenRun(t, "scout-f32-chunk16")
	m, err := Load(run.ModelPath(), LoadOptions{Overrides: run.Overrides()})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, cut := range []int{47, 40, 33, 32, 20, 5, 1} {
		s, _ := m.NewSession(SessionOptions{ContextLen: 64, KVType: kv.F32})
		if err := s.Prefill(ids); err != nil {
			t.Fatal(err)
		}
		if err := s.Truncate(cut); err != nil {
			t.Fatal(err)
		}
		got, err := s.Decode(ids[cut])
		if err != nil {
			t.Fatal(err)
		}
		fresh, _ := m.NewSession(SessionOptions{ContextLen: 64, KVType: kv.F32})
		want, err := fresh.PrefillLogits(ids[:cut+1], false)
		if err != nil {
			t.Fatal(err)
		}
		d := compareLogits(got, want, len(want), nil)
		if d.maxAbs > 1e-6 {
			t.Errorf("truncate to %d: logits differ from a fresh prefill by %.3g", cut, d.maxAbs)
		}
	}
}

// TestSessionsShareWeights runs two sessions of one model interleaved and
// checks each gets its own (correct) result.
func TestSessionsShareWeights(t *testing.T) {
	run, ids := goldenRun(t, "llama3-f32")
	want, err := run.ReadPromptLogits()
	if err != nil {
		t.Fatal(err)
	}
	m := loadFixture(t, "tiny-llama3-f32.gguf", LoadOptions{})
	a, _ := m.NewSession(SessionOptions{ContextLen: 64, KVType: kv.F32})
	b, _ := m.NewSession(SessionOptions{ContextLen: 64, KVType: kv.F32})
	v := m.VocabSize()
	for i, id := range ids {
		la, err := a.Decode(id)
		if err != nil {
			t.Fatal(err)
		}
		if d := compareLogits(la, want[i*v:(i+1)*v], v, nil); d.maxAbs > exactTolerance {
			t.Fatalf("session a position %d: max |Δ| %.3g", i, d.maxAbs)
		}
		if i%2 == 0 {
			if _, err := b.Decode(ids[i/2]); err != nil {
				t.Fatal(err)
			}
		}
	}
	lb := b.Logits()
	p := b.Pos() - 1
	if d := compareLogits(lb, want[p*v:(p+1)*v], v, nil); d.maxAbs > exactTolerance {
		t.Errorf("session b position %d: max |Δ| %.3g", p, d.maxAbs)
	}
}

func TestPrefillEmbeddingsReplacesToken(t *testing.T) {
	_, ids := goldenRun(t, "scout-f32")
	m := loadFixture(t, "tiny-llama4-scout-f32.gguf", LoadOptions{})
	// The embedding of token ids[3], given as an embedding at position 3 in
	// place of a different token, must give the same logits.
	row := make([]float32, m.Config().Embd)
	if err := m.m.TokenEmbd.DequantRow(int(ids[3]), row); err != nil {
		t.Fatal(err)
	}
	a, _ := m.NewSession(SessionOptions{ContextLen: 64, KVType: kv.F32})
	want, _ := a.PrefillLogits(ids[:8], false)
	want = slices.Clone(want)
	b, _ := m.NewSession(SessionOptions{ContextLen: 64, KVType: kv.F32})
	toks := slices.Clone(ids[:8])
	toks[3] = 0
	embd := make([][]float32, 8)
	embd[3] = row
	if err := b.PrefillEmbeddings(toks, embd); err != nil {
		t.Fatal(err)
	}
	if d := compareLogits(b.Logits(), want, len(want), nil); d.maxAbs != 0 {
		t.Errorf("embedding input differs from its token by %.3g", d.maxAbs)
	}
}

func TestKVReportBoundsChunkedLayers(t *testing.T) {
	m := loadFixture(t, "tiny-llama4-scout-f32.gguf", LoadOptions{Overrides: []string{"llama4.attention.chunk_size=int:16"}})
	r := m.KVReport(1000, kv.F16)
	if r.GlobalLayers != 1 || r.ChunkedLayers != 3 {
		t.Fatalf("layers: %d global, %d chunked; want 1 and 3", r.GlobalLayers, r.ChunkedLayers)
	}
	if r.ChunkedSlots != 16 || r.GlobalSlots != 1000 {
		t.Errorf("slots: chunked %d (want 16), global %d (want 1000)", r.ChunkedSlots, r.GlobalSlots)
	}
	perPos := int64(2 * m.Config().KVDim() * 2)
	if r.ChunkedBytes != 3*16*perPos || r.GlobalBytes != 1000*perPos {
		t.Errorf("bytes: chunked %d, global %d", r.ChunkedBytes, r.GlobalBytes)
	}
	t.Log(r)
}

func TestLoadRefusesWhatDoesNotFit(t *testing.T) {
	path := filepath.Join(fixtures(t), "models", "tiny-llama4-scout-f32.gguf")
	_, err := Load(path, LoadOptions{MemoryBudget: 1 << 20})
	if err == nil {
		t.Fatal("a 1.6 MB model loaded with a 1 MiB budget")
	}
	t.Log(err)
	m, err := Load(path, LoadOptions{MemoryBudget: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if c := m.ContextLen(); c < minContext || c >= 16384 {
		t.Errorf("context %d picked for an 8 MiB budget", c)
	}
	if _, err := m.NewSession(SessionOptions{ContextLen: 1 << 20}); err == nil {
		t.Error("a 1M-token session fit an 8 MiB budget")
	}
}

func TestOverrideKV(t *testing.T) {
	m := loadFixture(t, "tiny-llama4-scout-f32.gguf", LoadOptions{Overrides: []string{
		"llama4.attention.chunk_size=int:16",
		"llama4.attention.temperature_tuning.floor_scale=int:8",
		"llama4.attention.temperature_tuning.scale=float:0.25",
	}})
	c := m.Config()
	if c.Chunk != 16 || c.TempFloor != 8 || c.TempScale != 0.25 || c.TempOffset != 1 || c.NoRopeInterval != 4 {
		t.Errorf("config after overrides: %+v", c)
	}
	if _, err := Load(filepath.Join(fixtures(t), "models", "tiny-llama4-scout-f32.gguf"), LoadOptions{Overrides: []string{"nonsense"}}); err == nil {
		t.Error("a malformed override was accepted")
	}
}

// BenchmarkDecode measures one decoded token on the tiny Scout model; it
// must report 0 allocs/op.
func BenchmarkDecode(b *testing.B) {
	for _, name := range []string{"tiny-llama4-scout-f32.gguf", "tiny-llama4-scout-q8_0.gguf", "tiny-llama4-k256-q4_k_m.gguf", "tiny-llama3-f32.gguf"} {
		b.Run(name, func(b *testing.B) {
			m := loadFixture(b, name, LoadOptions{})
			s, err := m.NewSession(SessionOptions{ContextLen: 4096})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.Decode(1); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if s.Pos() == s.ContextLen() {
					b.StopTimer()
					_ = s.Truncate(1)
					b.StartTimer()
				}
				if _, err := s.Decode(int32(i % 600)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestConcurrentSessions runs sessions of one model on several goroutines
// at once; each must still match the golden.
func TestConcurrentSessions(t *testing.T) {
	run, ids := goldenRun(t, "scout-f32")
	want, err := run.ReadPromptLogits()
	if err != nil {
		t.Fatal(err)
	}
	m := loadFixture(t, "tiny-llama4-scout-f32.gguf", LoadOptions{Threads: 2})
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			s, err := m.NewSession(SessionOptions{ContextLen: 64, KVType: kv.F32, Batch: 1 + g*5})
			if err != nil {
				errs <- err
				return
			}
			got, err := s.PrefillLogits(ids, true)
			if err != nil {
				errs <- err
				return
			}
			if d := compareLogits(got, want, m.VocabSize(), nil); d.maxAbs > exactTolerance {
				errs <- fmt.Errorf("goroutine %d: max |Δ| %.3g", g, d.maxAbs)
				return
			}
			errs <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestDecodeAllocatesNothing is the zero-allocation guarantee of the decode
// path (the benchmark reports the same as allocs/op).
func TestDecodeAllocatesNothing(t *testing.T) {
	for _, name := range []string{"tiny-llama4-scout-f32.gguf", "tiny-llama4-k256-q4_k_m.gguf", "tiny-llama4-maverick-f32.gguf"} {
		m := loadFixture(t, name, LoadOptions{Threads: 2})
		for _, kt := range []kv.Type{kv.F16, kv.F32} {
			s, err := m.NewSession(SessionOptions{ContextLen: 256, KVType: kt})
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 3; i++ {
				if _, err := s.Decode(int32(i)); err != nil {
					t.Fatal(err)
				}
			}
			id := int32(0)
			allocs := testing.AllocsPerRun(50, func() {
				id++
				if _, err := s.Decode(id); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("%s (%s cache): %v allocations per decoded token", name, kt, allocs)
			}
		}
	}
}

// BenchmarkPrefill measures a 48-token prompt on the tiny models
// (tokens/s = 48 / (ns/op)).
func BenchmarkPrefill(b *testing.B) {
	_, ids := goldenRun(b, "scout-f32")
	for _, name := range []string{"tiny-llama4-scout-f32.gguf", "tiny-llama4-scout-q4_0.gguf", "tiny-llama4-k256-q4_k_m.gguf"} {
		b.Run(name, func(b *testing.B) {
			m := loadFixture(b, name, LoadOptions{})
			s, err := m.NewSession(SessionOptions{ContextLen: 64})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := s.Truncate(0); err != nil {
					b.Fatal(err)
				}
				if err := s.Prefill(ids); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(ids)*b.N)/b.Elapsed().Seconds(), "tok/s")
		})
	}
}
