package backend

import (
	"fmt"
	"path/filepath"
	"testing"

	"hearth/engine/gguf"
)

// scoutTensors is the tensor table of Llama 4 Scout 17B-16E at Q4_K_M
// (real dimensions; Q4_K at 144 bytes per 256 weights, the head at Q6_K),
// without the 60 GB of data.
func scoutTensors() []Tensor {
	const embd, qd, kd, ff, experts, vocab, layers = 5120, 5120, 1024, 8192, 16, 202048, 48
	q4k := func(n int64) int64 { return n / 256 * 144 }
	ts := []Tensor{
		{"token_embd.weight", q4k(embd * vocab)},
		{"output_norm.weight", embd * 4},
		{"output.weight", embd * vocab / 256 * 210},
	}
	for l := 0; l < layers; l++ {
		p := fmt.Sprintf("blk.%d.", l)
		ts = append(ts,
			Tensor{p + "attn_norm.weight", embd * 4}, Tensor{p + "ffn_norm.weight", embd * 4},
			Tensor{p + "attn_q.weight", q4k(embd * qd)}, Tensor{p + "attn_k.weight", q4k(embd * kd)},
			Tensor{p + "attn_v.weight", q4k(embd * kd)}, Tensor{p + "attn_output.weight", q4k(qd * embd)},
			Tensor{p + "ffn_gate_inp.weight", embd * experts * 4},
			Tensor{p + "ffn_gate_shexp.weight", q4k(embd * ff)}, Tensor{p + "ffn_up_shexp.weight", q4k(embd * ff)},
			Tensor{p + "ffn_down_shexp.weight", q4k(ff * embd)},
			Tensor{p + "ffn_gate_exps.weight", q4k(embd * ff * experts)}, Tensor{p + "ffn_up_exps.weight", q4k(embd * ff * experts)},
			Tensor{p + "ffn_down_exps.weight", q4k(ff * embd * experts)},
		)
	}
	return ts
}

// scoutKV is Scout's f16 KV cache per layer at ctx positions: every fourth
// layer is global, the others chunked at 8192.
func scoutKV(ctx int) []int64 {
	kv := make([]int64, 48)
	for l := range kv {
		n := min(ctx, 8192)
		if (l+1)%4 == 0 {
			n = ctx
		}
		kv[l] = int64(n) * 1024 * 2 * 2
	}
	return kv
}

func gpu(free int64) Device {
	return Device{Kind: CUDA, Name: "test GPU", Arch: "sm_80", Total: free, Free: free}
}

// checkPlan asserts the invariants every plan keeps: the budget holds,
// layers are a prefix, experts only sit on the device with their layer, and
// byte totals add up.
func checkPlan(t *testing.T, p Plan) {
	t.Helper()
	if p.GPUBytes+p.KVGPUBytes > p.Budget {
		t.Errorf("device use %d exceeds the budget %d", p.GPUBytes+p.KVGPUBytes, p.Budget)
	}
	var sum int64
	for _, pl := range p.Tensors {
		sum += pl.Bytes
		switch pl.Role {
		case RoleHost:
			if pl.OnGPU {
				t.Errorf("%s is on the device; the embedding table stays on the host", pl.Name)
			}
		case RoleLayer:
			if pl.OnGPU != (pl.Layer < p.GPULayers) {
				t.Errorf("%s (layer %d) on device = %v with %d device layers", pl.Name, pl.Layer, pl.OnGPU, p.GPULayers)
			}
		case RoleExperts:
			if pl.OnGPU && pl.Layer >= p.GPULayers {
				t.Errorf("%s is on the device without its layer", pl.Name)
			}
		}
	}
	if sum != p.GPUBytes+p.CPUBytes {
		t.Errorf("device %d + host %d ≠ total %d", p.GPUBytes, p.CPUBytes, sum)
	}
}

func TestPlanScoutOn80GB(t *testing.T) {
	p := PlanPlacement(gpu(80<<30), scoutTensors(), scoutKV(8192), AutoPolicy)
	checkPlan(t, p)
	if p.GPULayers != 48 || p.GPUExpertLayers != 48 || !p.OutputOnGPU {
		t.Fatalf("an 80 GiB device should hold all of Scout Q4_K_M: %s", p.Summary())
	}
}

func TestPlanScoutOn24GBPutsExpertsOnTheCPUFirst(t *testing.T) {
	p := PlanPlacement(gpu(24<<30), scoutTensors(), scoutKV(8192), AutoPolicy)
	checkPlan(t, p)
	if p.GPULayers != 48 || !p.OutputOnGPU {
		t.Fatalf("every layer's core and the head should fit in 24 GiB: %s", p.Summary())
	}
	if p.GPUExpertLayers == 0 || p.GPUExpertLayers == 48 {
		t.Fatalf("24 GiB holds some but not all routed experts, got %d layers: %s", p.GPUExpertLayers, p.Summary())
	}
	// the first layer whose experts stayed on the host would not have fit
	var experts int64
	for _, pl := range p.Tensors {
		if pl.Role == RoleExperts && pl.Layer == p.GPUExpertLayers {
			experts += pl.Bytes
		}
	}
	if left := p.Budget - p.GPUBytes - p.KVGPUBytes; experts <= left {
		t.Errorf("layer %d's experts (%d bytes) fit in the %d bytes left but stayed on the CPU", p.GPUExpertLayers, experts, left)
	}
}

func TestPlanScoutOn4GBOffloadsCoresOnly(t *testing.T) {
	p := PlanPlacement(gpu(4<<30), scoutTensors(), scoutKV(8192), AutoPolicy)
	checkPlan(t, p)
	if p.GPULayers == 0 || p.GPULayers == 48 || p.GPUExpertLayers != 0 || p.OutputOnGPU {
		t.Fatalf("4 GiB should hold some layer cores and no experts: %s", p.Summary())
	}
}

func TestPlanOverrides(t *testing.T) {
	p := PlanPlacement(gpu(80<<30), scoutTensors(), scoutKV(8192), Policy{GPULayers: -1, CPUExpertLayers: 10})
	checkPlan(t, p)
	if p.GPULayers != 48 || p.GPUExpertLayers != 38 {
		t.Fatalf("--cpu-moe 10: want 48 layers and 38 expert layers on the device: %s", p.Summary())
	}
	for _, pl := range p.Tensors {
		if pl.Role == RoleExperts && pl.OnGPU != (pl.Layer >= 10) {
			t.Errorf("%s on device = %v with the first 10 layers' experts forced to the CPU", pl.Name, pl.OnGPU)
		}
	}
	p = PlanPlacement(gpu(80<<30), scoutTensors(), scoutKV(8192), Policy{GPULayers: 5, CPUExpertLayers: -1})
	checkPlan(t, p)
	if p.GPULayers != 5 || p.GPUExpertLayers != 5 || p.OutputOnGPU {
		t.Fatalf("--gpu-layers 5: %s", p.Summary())
	}
	p = PlanPlacement(gpu(0), scoutTensors(), scoutKV(8192), AutoPolicy)
	checkPlan(t, p)
	if p.GPUBytes != 0 || p.GPULayers != 0 {
		t.Fatalf("a device with no free memory holds nothing: %s", p.Summary())
	}
}

func TestPlanRoles(t *testing.T) {
	for name, want := range map[string][2]int{
		"token_embd.weight":           {int(RoleHost), -1},
		"output.weight":               {int(RoleOutput), -1},
		"output_norm.weight":          {int(RoleOutput), -1},
		"blk.0.attn_q.weight":         {int(RoleLayer), 0},
		"blk.17.ffn_gate_inp.weight":  {int(RoleLayer), 17},
		"blk.3.ffn_up_shexp.weight":   {int(RoleLayer), 3},
		"blk.47.ffn_down_exps.weight": {int(RoleExperts), 47},
	} {
		r, l := RoleOf(name)
		if int(r) != want[0] || l != want[1] {
			t.Errorf("RoleOf(%q) = %d, %d; want %v", name, r, l, want)
		}
	}
}

// TestPlanTinyFixtures plans the real tensor tables of the tiny fixtures:
// a roomy device takes everything but the embedding table, a device that
// holds only part of the layers takes a prefix of them and no experts.
func TestPlanTinyFixtures(t *testing.T) {
	for _, name := range []string{"tiny-llama4-scout-q8_0.gguf", "tiny-llama4-k256-q4_k_m.gguf", "tiny-llama3-q8_0.gguf"} {
		t.Run(name, func(t *testing.T) {
			f, err := gguf.Open(filepath.Join("..", "..", "..", "shared", "fixtures", "models", name))
			if err != nil {
				t.Skipf("fixture missing: %v", err)
			}
			defer f.Close()
			var ts []Tensor
			var total int64
			for _, tt := range f.Tensors() {
				ts = append(ts, Tensor{tt.Name, int64(len(tt.Data))})
				total += int64(len(tt.Data))
			}
			roomy := Policy{GPULayers: -1, CPUExpertLayers: -1, Reserve: 1}
			p := PlanPlacement(gpu(1<<30), ts, nil, roomy)
			checkPlan(t, p)
			if !p.OutputOnGPU || p.GPULayers != p.Layers || p.GPUExpertLayers != p.ExpertLayers {
				t.Fatalf("1 GiB holds the whole tiny model: %s", p.Summary())
			}
			var core int64
			for _, pl := range p.Tensors {
				if pl.Role == RoleLayer && pl.Layer == 0 {
					core += pl.Bytes
				}
			}
			p = PlanPlacement(gpu(core+1+1), ts, nil, roomy)
			checkPlan(t, p)
			if p.GPULayers != 1 || p.GPUExpertLayers != 0 {
				t.Fatalf("room for one layer's core: %s", p.Summary())
			}
		})
	}
}
