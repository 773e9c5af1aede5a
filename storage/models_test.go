package storage

import (
	"context"
	"crypto/sha256"
	"errors"
	"path/filepath"
	"testing"
)

func TestModelsPutListDelete(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := context.Background()
	a, err := db.PutModel(ctx, ModelRecord{Path: "/m/a.gguf", Name: "A", Architecture: "llama", Params: 10, SizeBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.PutModel(ctx, ModelRecord{Path: "/m/b.gguf", Name: "B", Architecture: "llama4", ContextLength: 4096})
	if err != nil {
		t.Fatal(err)
	}
	// Adding a known path again refreshes it in place.
	a2, err := db.PutModel(ctx, ModelRecord{Path: "/m/a.gguf", Name: "A2", Architecture: "llama", SizeBytes: 200})
	if err != nil {
		t.Fatal(err)
	}
	if a2.ID != a.ID || a2.AddedAt != a.AddedAt || a2.Name != "A2" || a2.SizeBytes != 200 {
		t.Fatalf("re-put = %+v, first %+v", a2, a)
	}
	if err := db.SetModelSHA256(ctx, b.ID, "ff00", 1234); err != nil {
		t.Fatal(err)
	}
	list, err := db.ListModels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != b.ID || list[0].SHA256 != "ff00" || list[0].MtimeMS != 1234 || list[1].ID != a.ID {
		t.Fatalf("list = %+v", list)
	}
	if err := db.DeleteModel(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetModel(ctx, a.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetModel after delete = %v, want ErrNotFound", err)
	}
	if err := db.DeleteModel(ctx, a.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete = %v, want ErrNotFound", err)
	}
}

func TestDownloadsPutList(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := context.Background()
	d := DownloadRecord{ID: "x", URL: "http://h/m.gguf", Path: "/d/m.gguf", ReceivedBytes: 5, TotalBytes: 10, State: "running"}
	if err := db.PutDownload(ctx, d); err != nil {
		t.Fatal(err)
	}
	d.State, d.ReceivedBytes, d.Error = "failed", 7, "boom"
	if err := db.PutDownload(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := db.ListDownloads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].State != "failed" || got[0].ReceivedBytes != 7 || got[0].Error != "boom" || got[0].TotalBytes != 10 {
		t.Fatalf("downloads = %+v", got)
	}
	if err := db.DeleteDownload(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ListDownloads(ctx); len(got) != 0 {
		t.Fatalf("after delete: %+v", got)
	}
}

// TestFrozenV2Models checks that the rows version 2 added survive the
// migrations from a version-2 file.
func TestFrozenV2Models(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v2.db")
	createFrozen(t, path, 2)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	models, err := db.ListModels(ctx)
	if err != nil || len(models) != 1 {
		t.Fatalf("models = %+v, %v", models, err)
	}
	m := models[0]
	if m.Path != "/home/u/models/scout.gguf" || m.Architecture != "llama4" || m.Params != 108000000000 ||
		m.ContextLength != 10485760 || m.SHA256 != "abc123" || m.Quantization != "Q4_K_M mix: Q4_K 86%, Q6_K 14%" {
		t.Fatalf("model = %+v", m)
	}
	downloads, err := db.ListDownloads(ctx)
	if err != nil || len(downloads) != 1 || downloads[0].State != "paused" || downloads[0].ReceivedBytes != 500 {
		t.Fatalf("downloads = %+v, %v", downloads, err)
	}
}

func TestCountKVPrefix(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := context.Background()
	h := func(s string) [32]byte { return sha256.Sum256([]byte(s)) }
	for i, key := range []string{"p0", "p1"} {
		if err := db.PutKVPage(ctx, KVPage{ModelDigest: "m", PrefixHash: h(key), Index: i, Tokens: []int32{1, 2},
			Encoding: "f16", Data: []byte{1, 2, 3}}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		digest string
		hashes [][32]byte
		want   int
	}{
		{"all held", "m", [][32]byte{h("p0"), h("p1")}, 2},
		{"tail missing", "m", [][32]byte{h("p0"), h("p1"), h("p2")}, 2},
		{"head missing", "m", [][32]byte{h("q0"), h("p1")}, 0},
		{"wrong position", "m", [][32]byte{h("p1")}, 0},
		{"other model", "n", [][32]byte{h("p0")}, 0},
		{"none asked", "m", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.CountKVPrefix(ctx, tt.digest, tt.hashes)
			if err != nil || got != tt.want {
				t.Fatalf("CountKVPrefix = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}
