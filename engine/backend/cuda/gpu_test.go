package cuda

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// openGPU opens device 0 with a private kernel cache, or skips the test
// with the reason — unless HEARTH_REQUIRE_GPU=1 (scripts/gpu-check.sh sets
// it), where a missing GPU is a failure.
func openGPU(t *testing.T, o Options) *Device {
	t.Helper()
	if o.CacheDir == "" {
		o.CacheDir = t.TempDir()
	}
	d, err := Open(o)
	if err != nil {
		if os.Getenv("HEARTH_REQUIRE_GPU") == "1" {
			t.Fatalf("HEARTH_REQUIRE_GPU=1 but the CUDA backend did not open: %v", err)
		}
		t.Skipf("no CUDA GPU here, so the GPU side is not tested: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestNoDriverIsReported checks the error a machine without the NVIDIA
// driver gets: it names the cause, wraps ErrNoDriver (what the engine's
// fallback message is made from) and says which library failed.
func TestNoDriverIsReported(t *testing.T) {
	_, err := Open(Options{DriverLib: "/nonexistent/libcuda.so.1"})
	if !errors.Is(err, ErrNoDriver) && !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Open without a driver: %v, want ErrNoDriver", err)
	}
	if errors.Is(err, ErrNoDriver) && !strings.Contains(err.Error(), "/nonexistent/libcuda.so.1") {
		t.Errorf("the error does not name the library: %v", err)
	}
}

// TestGPUKernelsMatchCPU is the CPU-vs-GPU comparison of every kernel on a
// real device (the same checks the emulator passes).
func TestGPUKernelsMatchCPU(t *testing.T) {
	d := openGPU(t, Options{})
	t.Logf("device: %s", d.Device())
	compareWithCPU(t, d.Kernels(), false)
}

// TestGPUKernelCache checks that the second open loads the kernels NVRTC
// compiled on the first from the disk cache.
func TestGPUKernelCache(t *testing.T) {
	dir := t.TempDir()
	first := openGPU(t, Options{CacheDir: dir})
	if first.Cached {
		t.Fatal("a fresh cache directory served the kernels")
	}
	second := openGPU(t, Options{CacheDir: dir})
	if !second.Cached {
		t.Fatal("the second open compiled the kernels again")
	}
}

// TestGPUNoCompilerIsReported checks the NVRTC-missing failure on a
// machine with a driver.
func TestGPUNoCompilerIsReported(t *testing.T) {
	openGPU(t, Options{}) // skips without a GPU
	_, err := Open(Options{NVRTCLib: "/nonexistent/libnvrtc.so", CacheDir: t.TempDir()})
	if !errors.Is(err, ErrNoCompiler) {
		t.Fatalf("Open without NVRTC: %v, want ErrNoCompiler", err)
	}
}
