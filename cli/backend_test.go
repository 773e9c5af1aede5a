package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func modelInfoJSONFor(t *testing.T, args ...string) modelInfoJSON {
	t.Helper()
	path := filepath.Join(sharedFixtures(t), "models", "tiny-llama4-scout-q8_0.gguf")
	var out, errOut bytes.Buffer
	if code := runModel(append([]string{"info", path, "--json", "--ctx", "512"}, args...), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var info modelInfoJSON
	if err := json.Unmarshal(out.Bytes(), &info); err != nil {
		t.Fatal(err)
	}
	return info
}

// TestModelInfoPlacementForGPUSize: --gpu-mem plans a hypothetical GPU and
// lists which tensors go where; --cpu-moe keeps experts on the CPU.
func TestModelInfoPlacementForGPUSize(t *testing.T) {
	info := modelInfoJSONFor(t, "--gpu-mem", "1GiB")
	b := info.Backend
	if b.GPULayers != info.Layers || b.GPUExpertLayers != info.Layers || len(b.GPUTensors) == 0 || b.KVGPUBytes == 0 {
		t.Fatalf("1 GiB holds the tiny model: %+v", b)
	}
	if len(b.CPUTensors) != 1 || b.CPUTensors[0] != "token_embd.weight" {
		t.Errorf("only the embedding table stays on the host, got %v", b.CPUTensors)
	}
	b = modelInfoJSONFor(t, "--gpu-mem", "1GiB", "--cpu-moe", "2").Backend
	if b.GPUExpertLayers != info.Layers-2 {
		t.Errorf("--cpu-moe 2: %d expert layers on the device, want %d", b.GPUExpertLayers, info.Layers-2)
	}
	for _, name := range b.GPUTensors {
		if strings.HasPrefix(name, "blk.0.") && strings.Contains(name, "_exps") {
			t.Errorf("%s is on the device despite --cpu-moe 2", name)
		}
	}
}

// TestModelInfoShowsCUDAFallback: --backend cuda without a driver reports
// the reason instead of a placement.
func TestModelInfoShowsCUDAFallback(t *testing.T) {
	t.Setenv("HEARTH_CUDA_LIB", "/nonexistent/libcuda.so.1")
	b := modelInfoJSONFor(t, "--backend", "cuda").Backend
	if b.Active != "cpu" || b.Requested != "cuda" || !strings.Contains(b.Fallback, "no NVIDIA driver") || b.GPUTensors != nil {
		t.Fatalf("backend report %+v", b)
	}
}

func TestModelInfoRejectsBadBackendFlags(t *testing.T) {
	path := filepath.Join(sharedFixtures(t), "models", "tiny-llama4-scout-q8_0.gguf")
	for _, args := range [][]string{{"--backend", "tpu"}, {"--gpu-mem", "lots"}, {"--gpu-layers", "-2"}} {
		var out, errOut bytes.Buffer
		if code := runModel(append([]string{"info", path}, args...), &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut.String())
		}
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"24GiB": 24 << 30, "8G": 8 << 30, "512MiB": 512 << 20, "1.5 GiB": 3 << 29, "1000": 1000, "2GB": 2e9} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "x", "-1G"} {
		if _, err := parseBytes(bad); err == nil {
			t.Errorf("parseBytes(%q) succeeded", bad)
		}
	}
}
