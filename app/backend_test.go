package app

import (
	"strings"
	"testing"
)

// TestBackendSetting saves and reloads the backend choice and rejects
// unknown ones with a message naming the choices.
func TestBackendSetting(t *testing.T) {
	dir := t.TempDir()
	a, _ := openApp(t, dir, Config{})
	s, err := a.GetSettings()
	if err != nil {
		t.Fatal(err)
	}
	if s.Backend != "" {
		t.Fatalf("default backend %q, want automatic (\"\")", s.Backend)
	}
	s.Backend = "cuda"
	if err := a.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.GetSettings(); got.Backend != "cuda" {
		t.Fatalf("backend after save %q", got.Backend)
	}
	s.Backend = "tpu"
	if err := a.SaveSettings(s); err == nil || !strings.Contains(err.Error(), "auto, cpu, cuda or metal") {
		t.Fatalf("SaveSettings(tpu) = %v", err)
	}
}

// TestStatusShowsBackendFallback loads a model with the CUDA backend on a
// machine whose driver cannot load: the model runs on the CPU and Status
// carries the reason the window shows as a banner.
func TestStatusShowsBackendFallback(t *testing.T) {
	t.Setenv("HEARTH_CUDA_LIB", "/nonexistent/libcuda.so.1")
	a, rec := openApp(t, t.TempDir(), Config{})
	s, err := a.GetSettings()
	if err != nil {
		t.Fatal(err)
	}
	s.Backend = "cuda"
	if err := a.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	loadTiny(t, a, rec)
	st := a.Status()
	if st.Backend != "cpu" || !strings.Contains(st.BackendNotice, "no NVIDIA driver") {
		t.Fatalf("status backend %q, notice %q", st.Backend, st.BackendNotice)
	}
}
