package backend

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Tensor is a weight as the planner sees it: its GGUF name and size.
type Tensor struct {
	Name  string
	Bytes int64
}

// Role is what a tensor does, which decides its priority for device memory.
type Role int

// The roles, from first to last claim on device memory.
const (
	RoleLayer   Role = iota // attention, norms, router, shared expert, dense FFN of one layer
	RoleOutput              // output head and final norm
	RoleExperts             // a layer's stacked routed experts (ffn_*_exps)
	RoleHost                // the token embedding table: one row per token is copied, it stays on the host
)

// Policy holds the user's overrides of the automatic placement.
type Policy struct {
	// GPULayers caps the layers placed on the device; < 0 means as many as fit.
	GPULayers int
	// CPUExpertLayers keeps the routed experts of the first N MoE layers on
	// the CPU (llama.cpp's --n-cpu-moe); < 0 means automatic: experts go to
	// the device only while memory remains after every layer's core.
	CPUExpertLayers int
	// Reserve is device memory left free for scratch, the CUDA context and
	// other programs; 0 means max(512 MiB, 5% of free).
	Reserve int64
}

// AutoPolicy is the default: everything automatic.
var AutoPolicy = Policy{GPULayers: -1, CPUExpertLayers: -1}

// Placement is where one tensor lives.
type Placement struct {
	Tensor
	Layer int // -1 for tensors outside the layers
	Role  Role
	OnGPU bool
}

// Plan is a complete placement for one device.
type Plan struct {
	Device          Device
	Budget          int64 // device bytes the plan may use (free − reserve)
	Tensors         []Placement
	GPUBytes        int64 // weights on the device
	CPUBytes        int64 // weights left on the host
	KVGPUBytes      int64 // KV cache of the layers on the device
	Layers          int   // layers in the model
	GPULayers       int   // layers whose core (and KV cache) is on the device
	ExpertLayers    int   // MoE layers
	GPUExpertLayers int   // MoE layers whose routed experts are all on the device
	OutputOnGPU     bool
}

// RoleOf classifies a tensor by name and returns its layer (−1 outside
// the blk.N. layers).
func RoleOf(name string) (Role, int) {
	if name == "token_embd.weight" {
		return RoleHost, -1
	}
	rest, ok := strings.CutPrefix(name, "blk.")
	if !ok {
		return RoleOutput, -1
	}
	num, kind, ok := strings.Cut(rest, ".")
	l, err := strconv.Atoi(num)
	if !ok || err != nil {
		return RoleOutput, -1
	}
	if strings.Contains(kind, "_exps") {
		return RoleExperts, l
	}
	return RoleLayer, l
}

// PlanPlacement decides which tensors go to a device with free bytes of
// memory. layerKV[l] is the KV cache of layer l (it lives with the layer's
// core). The order of claims is: layer cores in layer order (each with its
// KV cache), then the output head, then the routed experts layer by layer —
// so when memory runs short the routed experts stay on the CPU first, which
// is what a sparse MoE wants (each token reads only k of them).
func PlanPlacement(dev Device, tensors []Tensor, layerKV []int64, p Policy) Plan {
	reserve := p.Reserve
	if reserve <= 0 {
		reserve = max(512<<20, dev.Free/20)
	}
	plan := Plan{Device: dev, Budget: max(0, dev.Free-reserve), Layers: len(layerKV)}
	for _, t := range tensors {
		role, l := RoleOf(t.Name)
		plan.Tensors = append(plan.Tensors, Placement{Tensor: t, Layer: l, Role: role})
		plan.Layers = max(plan.Layers, l+1)
	}
	core := make([]int64, plan.Layers)
	experts := make([]int64, plan.Layers)
	var output int64
	for _, t := range plan.Tensors {
		switch t.Role {
		case RoleLayer:
			core[t.Layer] += t.Bytes
		case RoleExperts:
			experts[t.Layer] += t.Bytes
		case RoleOutput:
			output += t.Bytes
		}
	}
	for l := range core {
		if l < len(layerKV) {
			core[l] += layerKV[l]
		}
		if experts[l] > 0 {
			plan.ExpertLayers++
		}
	}

	left := plan.Budget
	onLayer := make([]bool, plan.Layers)
	for l := range core {
		if (p.GPULayers >= 0 && plan.GPULayers >= p.GPULayers) || core[l] > left {
			break // layers go to the device as a prefix, so activations cross over once
		}
		onLayer[l] = true
		left -= core[l]
		plan.GPULayers++
		if l < len(layerKV) {
			plan.KVGPUBytes += layerKV[l]
		}
	}
	if plan.GPULayers == plan.Layers && output <= left {
		plan.OutputOnGPU = true
		left -= output
	}
	onExperts := make([]bool, plan.Layers)
	skip := p.CPUExpertLayers
	for l := range experts {
		if experts[l] == 0 || !onLayer[l] {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if experts[l] <= left {
			onExperts[l] = true
			left -= experts[l]
			plan.GPUExpertLayers++
		}
	}

	for i := range plan.Tensors {
		t := &plan.Tensors[i]
		switch t.Role {
		case RoleLayer:
			t.OnGPU = onLayer[t.Layer]
		case RoleExperts:
			t.OnGPU = onExperts[t.Layer]
		case RoleOutput:
			t.OnGPU = plan.OutputOnGPU
		}
		if t.OnGPU {
			plan.GPUBytes += t.Bytes
		} else {
			plan.CPUBytes += t.Bytes
		}
	}
	return plan
}

// Summary is the placement in a few lines for `hearth model info` and
// `hearth bench`.
func (p *Plan) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "placement on %s (budget %s):\n", p.Device, GiB(p.Budget))
	fmt.Fprintf(&b, "  layers on the device: %d of %d (KV cache %s)\n", p.GPULayers, p.Layers, GiB(p.KVGPUBytes))
	if p.ExpertLayers > 0 {
		fmt.Fprintf(&b, "  routed experts on the device: %d of %d MoE layers (the rest on the CPU)\n", p.GPUExpertLayers, p.ExpertLayers)
	}
	fmt.Fprintf(&b, "  output head on the device: %v\n", p.OutputOnGPU)
	fmt.Fprintf(&b, "  weights: %s on the device, %s on the CPU; device total with KV %s", GiB(p.GPUBytes), GiB(p.CPUBytes), GiB(p.GPUBytes+p.KVGPUBytes))
	return b.String()
}

// ByDevice lists the tensor names on the device and on the CPU, sorted, for
// a detailed listing.
func (p *Plan) ByDevice() (gpu, host []string) {
	for _, t := range p.Tensors {
		if t.OnGPU {
			gpu = append(gpu, t.Name)
		} else {
			host = append(host, t.Name)
		}
	}
	sort.Strings(gpu)
	sort.Strings(host)
	return gpu, host
}
