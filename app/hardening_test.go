package app

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestLoaderRefusesBrokenGGUF gives the app's model loader (AddModel, then
// LoadModel) GGUF files cut at random points and files whose header lies
// about its sizes. Each is refused with an error naming the file, nothing
// joins the model list, memory stays bounded, and the app then adds and
// loads a good model as if nothing happened.
func TestLoaderRefusesBrokenGGUF(t *testing.T) {
	good, err := os.ReadFile(fixtureModel(t, "tiny-llama4-scout-q8_0.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	a, rec := openApp(t, t.TempDir(), Config{})
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	lie := func(off int, v uint64) []byte {
		b := append([]byte(nil), good...)
		binary.LittleEndian.PutUint64(b[off:], v)
		return b
	}
	cases := map[string][]byte{
		"tensor count 2^62.gguf":     lie(8, 1<<62),
		"kv count 2^62.gguf":         lie(16, 1<<62),
		"first key length 2^62.gguf": lie(24, 1<<62),
		"first key length 2^31.gguf": lie(24, 1<<31),
		"header only.gguf":           good[:24],
		"empty.gguf":                 nil,
	}
	for i := range 12 {
		// Half the cuts land in the header and metadata, half in the
		// tensor data, which holds most of the file.
		cut := 1 + rng.IntN(len(good)-1)
		if i%2 == 0 {
			cut = 1 + rng.IntN(min(len(good)-1, 64<<10))
		}
		cases["cut at "+itoa(cut)+".gguf"] = good[:cut]
	}
	for name, data := range cases {
		path := write(name, data)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := a.AddModel(path)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("%s: AddModel accepted it", name)
			continue
		}
		if !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
			t.Errorf("%s: refusing it allocated %d bytes", name, alloc)
		}
	}
	if models, err := a.ListModels(); err != nil || len(models) != 0 {
		t.Fatalf("models after refusals = %+v, %v", models, err)
	}

	// A file that was fine when added and was cut short afterwards (a
	// copy interrupted, a disk error) fails to load with the reason, and
	// leaves no model loaded.
	later := write("cut later.gguf", good)
	mi, err := a.AddModel(later)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(later, int64(len(good)*2/3)); err != nil {
		t.Fatal(err)
	}
	// The refusal comes back from LoadModel or later; either way a
	// "failed" load event carries it, which takes the card out of its
	// loading state and shows the reason.
	loadErr := a.LoadModel(mi.ID)
	rec.waitFor(t, "the load to fail", func() bool { return len(failedLoads(rec)) > 0 })
	f := failedLoads(rec)
	if len(f) != 1 || f[0].ModelID != mi.ID || (loadErr != nil && loadErr.Error() != f[0].Error) {
		t.Fatalf("LoadModel = %v, failed load events = %+v", loadErr, f)
	}
	reason := f[0].Error
	if !strings.Contains(reason, "cut later") {
		t.Fatalf("load refusal %q does not name the file", reason)
	}
	t.Logf("load of a file cut after adding: %s", reason)
	if a.Status().ModelLoaded {
		t.Fatal("a truncated model is loaded")
	}

	// The app keeps working: a good model adds and loads.
	gm, err := a.AddModel(fixtureModel(t, tinyScout))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.LoadModel(gm.ID); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "the good model to load", func() bool { return a.Status().ModelLoaded || len(failedLoads(rec)) > 1 })
	if st := a.Status(); !st.ModelLoaded || st.LoadedModelID != gm.ID {
		t.Fatalf("the good model did not load after the refusals: %+v, %+v", st, failedLoads(rec))
	}
}
