package engine

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"hearth/engine/backend"
)

func loadWithBackend(t *testing.T, kind backend.Kind) *Model {
	t.Helper()
	m, err := Load(filepath.Join(fixtures(t), "models", "tiny-llama4-scout-q8_0.gguf"), LoadOptions{Threads: 1, Backend: kind, ContextLen: 64})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func lastLogits(t *testing.T, m *Model) []float32 {
	t.Helper()
	s, err := m.NewSession(SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	logits, err := s.PrefillLogits([]int32{1, 5, 9, 2}, false)
	if err != nil {
		t.Fatal(err)
	}
	return logits
}

// TestBackendCUDAWithoutDriverFallsBack loads with --backend cuda where the
// driver cannot load: the model loads, runs on the CPU with the same
// logits as --backend cpu, and the selection says why in words.
func TestBackendCUDAWithoutDriverFallsBack(t *testing.T) {
	t.Setenv("HEARTH_CUDA_LIB", "/nonexistent/libcuda.so.1")
	m := loadWithBackend(t, backend.CUDA)
	sel := m.Backend()
	if sel.Active != backend.CPU || sel.Requested != backend.CUDA {
		t.Fatalf("selection %+v, want cuda requested and the CPU active", sel)
	}
	if !strings.Contains(sel.Fallback, "no NVIDIA driver") || !strings.Contains(sel.String(), "cuda requested but not used") {
		t.Fatalf("the fallback does not say why: %q / %q", sel.Fallback, sel.String())
	}
	ref := loadWithBackend(t, backend.CPU)
	if sel := ref.Backend(); sel.Fallback != "" || sel.Note != "" || sel.Active != backend.CPU {
		t.Fatalf("--backend cpu selection %+v, want a plain CPU", sel)
	}
	if !slices.Equal(lastLogits(t, m), lastLogits(t, ref)) {
		t.Fatal("the fallback model computes different logits from the CPU model")
	}
}

// TestBackendAutoWithoutDriverIsANote: auto on a machine without a GPU
// stack runs on the CPU and notes what it looked for; that is not a
// fallback warning.
func TestBackendAutoWithoutDriverIsANote(t *testing.T) {
	t.Setenv("HEARTH_CUDA_LIB", "/nonexistent/libcuda.so.1")
	sel := loadWithBackend(t, backend.Auto).Backend()
	if sel.Active != backend.CPU || sel.Fallback != "" || !strings.Contains(sel.Note, "no GPU found") {
		t.Fatalf("auto without a driver: %+v", sel)
	}
}

// TestBackendMetalOffMacFallsBack: --backend metal on Linux says it needs macOS.
func TestBackendMetalOffMacFallsBack(t *testing.T) {
	sel := loadWithBackend(t, backend.Metal).Backend()
	if sel.Active != backend.CPU || !strings.Contains(sel.Fallback, "macOS") {
		t.Skipf("not applicable here (a Mac?): %+v", sel)
	}
}

// TestPlanForFixture plans a real fixture on a hypothetical device: all of
// it fits a roomy device, and a device smaller than the model keeps the
// routed experts on the CPU before any layer core.
func TestPlanForFixture(t *testing.T) {
	path := filepath.Join(fixtures(t), "models", "tiny-llama4-scout-q8_0.gguf")
	p, err := PlanFor(path, 64, 1<<30, backend.Policy{GPULayers: -1, CPUExpertLayers: -1, Reserve: 1})
	if err != nil {
		t.Fatal(err)
	}
	if p.GPULayers != p.Layers || !p.OutputOnGPU || p.GPUExpertLayers != p.ExpertLayers || p.KVGPUBytes == 0 {
		t.Fatalf("1 GiB holds the tiny model: %s", p.Summary())
	}
	tight := p.GPUBytes + p.KVGPUBytes - 1
	p, err = PlanFor(path, 64, tight, backend.Policy{GPULayers: -1, CPUExpertLayers: -1, Reserve: 1})
	if err != nil {
		t.Fatal(err)
	}
	if p.GPULayers != p.Layers || p.GPUExpertLayers == p.ExpertLayers {
		t.Fatalf("a device 2 bytes short should keep the cores and drop experts: %s", p.Summary())
	}
}
