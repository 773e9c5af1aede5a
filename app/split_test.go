package app

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestModelParts(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"/m/a.gguf", []string{"/m/a.gguf"}},
		{"/m/x-00001-of-00002.gguf", []string{"/m/x-00001-of-00002.gguf", "/m/x-00002-of-00002.gguf"}},
		{"/m/x-00002-of-00003.gguf", []string{"/m/x-00001-of-00003.gguf", "/m/x-00002-of-00003.gguf", "/m/x-00003-of-00003.gguf"}},
		{"/m/x-00001-of-00000.gguf", []string{"/m/x-00001-of-00000.gguf"}},
	}
	for _, tt := range tests {
		if got := modelParts(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("modelParts(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPartsSize(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, make([]byte, 3), 0o644)
	os.WriteFile(b, make([]byte, 5), 0o644)
	if n, err := partsSize([]string{a, b}); n != 8 || err != nil {
		t.Errorf("partsSize = %d, %v; want 8", n, err)
	}
	if _, err := partsSize([]string{a, filepath.Join(dir, "missing")}); err == nil {
		t.Error("partsSize of a missing part succeeded")
	}
}
