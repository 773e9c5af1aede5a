package kvcache

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"hearth/storage"
)

func TestPrefixHashes(t *testing.T) {
	base := make([]int32, 20)
	for i := range base {
		base[i] = int32(i * 7)
	}
	ref := PrefixHashes(base, nil, 4)
	if len(ref) != 5 {
		t.Fatalf("%d hashes for 20 tokens in pages of 4, want 5", len(ref))
	}
	img := ImageContentID("proj", [32]byte{9})
	for _, c := range []struct {
		name      string
		tokens    []int32
		content   func() [][32]byte
		firstDiff int // first page whose hash must differ; len(ref) for none
	}{
		{"same tokens", base, nil, 5},
		{"zero content is plain", base, func() [][32]byte { return make([][32]byte, 20) }, 5},
		{"tail ignored", append(append([]int32(nil), base...), 1, 2, 3), nil, 5},
		{"token changed in page 2", with(base, 9, 1000), nil, 2},
		{"image in page 3", base, func() [][32]byte { c := make([][32]byte, 20); c[13] = img; return c }, 3},
	} {
		var content [][32]byte
		if c.content != nil {
			content = c.content()
		}
		got := PrefixHashes(c.tokens, content, 4)
		for k := range ref {
			if same := got[k] == ref[k]; same != (k < c.firstDiff) {
				t.Errorf("%s: page %d hash same=%v, want %v", c.name, k, same, k < c.firstDiff)
			}
		}
	}
	if ImageContentID("proj", [32]byte{9}) == ImageContentID("proj2", [32]byte{9}) {
		t.Error("the projector digest does not change the image content id")
	}
}

func with(tokens []int32, i int, v int32) []int32 {
	out := append([]int32(nil), tokens...)
	out[i] = v
	return out
}

// TestModelDigest checks the file hash against the fixture index's sha256,
// that it is remembered per (path, size, mtime), and that extras change it.
func TestModelDigest(t *testing.T) {
	g := loadGolden(t, "scout-f32")
	var idx struct {
		Models map[string]struct {
			SHA256 string `json:"sha256"`
		} `json:"models"`
	}
	readJSON(t, filepath.Join(g.dir, "models", "index.json"), &idx)
	want := idx.Models[filepath.Base(g.Model)].SHA256
	ctx := context.Background()
	db, _ := openDB(t)
	c := New(db, nil)
	model := filepath.Join(t.TempDir(), "model.gguf")
	data, err := os.ReadFile(g.modelPath())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(model, data, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := c.ModelDigest(ctx, model)
	if err != nil || got != want {
		t.Fatalf("digest %q (%v), want the index's %q", got, err, want)
	}
	// A remembered digest is used without reading the file again.
	key := digestSettingPrefix + model
	rec, err := storage.GetSetting(ctx, db, key, fileDigest{})
	if err != nil || rec.SHA256 != want {
		t.Fatalf("remembered %+v (%v)", rec, err)
	}
	rec.SHA256 = "remembered"
	if err := storage.SetSetting(ctx, db, key, rec); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.ModelDigest(ctx, model); got != "remembered" {
		t.Errorf("digest %q: the remembered one was not used", got)
	}
	// A new modification time means a new hash.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(model, later, later); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.ModelDigest(ctx, model); got != want {
		t.Errorf("digest after touching the file %q, want %q", got, want)
	}
	a, _ := c.ModelDigest(ctx, model, "kv=f16")
	b, _ := c.ModelDigest(ctx, model, "kv=f32")
	d, _ := c.ModelDigest(ctx, model, "kv=f16", "llama4.attention.chunk_size=int:16")
	if a == want || a == b || a == d {
		t.Errorf("extras do not separate digests: %s %s %s", a, b, d)
	}
}

// TestRememberDigest checks that a digest recorded by the app's model-list
// hashing is what ModelDigest returns, with no second read of the file, and
// that a later change to the file invalidates it.
func TestRememberDigest(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t)
	c := New(db, nil)
	model := filepath.Join(t.TempDir(), "model.gguf")
	if err := os.WriteFile(model, []byte("weights"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(model)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RememberDigest(ctx, model, fi, "known-sum"); err != nil {
		t.Fatal(err)
	}
	if got, err := c.ModelDigest(ctx, model); err != nil || got != "known-sum" {
		t.Fatalf("digest %q (%v), want the remembered one", got, err)
	}
	if err := os.WriteFile(model, []byte("other weights"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := c.ModelDigest(ctx, model); err != nil || got == "known-sum" {
		t.Fatalf("digest %q (%v) after the file changed", got, err)
	}
}
