package cli

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"hearth/engine"
	"hearth/engine/backend"
)

// backendFlags choose the compute backend and override the GPU placement;
// run, bench and model info share them.
type backendFlags struct {
	kind      string
	gpuLayers int
	cpuMoE    int
}

func (b *backendFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&b.kind, "backend", "auto", "compute backend: auto, cpu, cuda or metal (a GPU that cannot be used falls back to the CPU and says why)")
	fs.IntVar(&b.gpuLayers, "gpu-layers", -1, "layers placed on the GPU (-1: as many as fit)")
	fs.IntVar(&b.cpuMoE, "cpu-moe", -1, "keep the routed experts of the first `N` MoE layers on the CPU (-1: automatic, experts leave the GPU first when memory runs short)")
}

// options returns the parsed backend and placement policy.
func (b *backendFlags) options() (backend.Kind, *backend.Policy, error) {
	k, err := backend.ParseKind(b.kind)
	if err != nil {
		return "", nil, err
	}
	if b.gpuLayers < -1 || b.cpuMoE < -1 {
		return "", nil, fmt.Errorf("--gpu-layers and --cpu-moe take -1 (automatic) or a count ≥ 0")
	}
	return k, &backend.Policy{GPULayers: b.gpuLayers, CPUExpertLayers: b.cpuMoE}, nil
}

// writeSelection prints the backend line and, when a GPU was found, the
// placement.
func writeSelection(w io.Writer, sel backend.Selection) {
	fmt.Fprintln(w, sel.String())
	if sel.Plan != nil {
		fmt.Fprintln(w, sel.Plan.Summary())
	}
}

// parseBytes reads a size such as 24GiB, 8G, 512MiB or 1048576.
func parseBytes(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToLower(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"gib", 1 << 30}, {"gb", 1e9}, {"g", 1 << 30}, {"mib", 1 << 20}, {"mb", 1e6}, {"m", 1 << 20}, {"kib", 1 << 10}, {"k", 1 << 10}, {"b", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("bad size %q (want e.g. 24GiB, 512MiB)", s)
	}
	return int64(v * float64(mult)), nil
}

// backendReport is the backend part of `hearth bench --json`.
type backendReport struct {
	Requested string `json:"requested"`
	Active    string `json:"active"`
	Device    string `json:"device,omitempty"`
	Fallback  string `json:"fallback,omitempty"`
	Note      string `json:"note,omitempty"`
	Line      string `json:"line"`
	Placement string `json:"placement,omitempty"`
	GPUBytes  int64  `json:"gpu_weight_bytes,omitempty"`
}

func newBackendReport(sel backend.Selection) backendReport {
	r := backendReport{Requested: string(sel.Requested), Active: string(sel.Active), Fallback: sel.Fallback, Note: sel.Note, Line: sel.String()}
	if sel.Device.Kind != "" {
		r.Device = sel.Device.String()
	}
	if sel.Plan != nil {
		r.Placement, r.GPUBytes = sel.Plan.Summary(), sel.Plan.GPUBytes
	}
	return r
}

// placementJSON is the backend part of `hearth model info --json`: the
// selection and, with a GPU (found or given by --gpu-mem), which tensors go
// where and the device memory they take.
type placementJSON struct {
	backendReport
	GPULayers       int      `json:"gpu_layers"`
	GPUExpertLayers int      `json:"gpu_expert_layers"`
	KVGPUBytes      int64    `json:"gpu_kv_bytes"`
	CPUBytes        int64    `json:"cpu_weight_bytes"`
	GPUTensors      []string `json:"gpu_tensors,omitempty"`
	CPUTensors      []string `json:"cpu_tensors,omitempty"`
}

func newPlacementJSON(sel backend.Selection) placementJSON {
	p := placementJSON{backendReport: newBackendReport(sel)}
	if sel.Plan != nil {
		p.GPULayers, p.GPUExpertLayers, p.KVGPUBytes, p.CPUBytes = sel.Plan.GPULayers, sel.Plan.GPUExpertLayers, sel.Plan.KVGPUBytes, sel.Plan.CPUBytes
		p.GPUTensors, p.CPUTensors = sel.Plan.ByDevice()
	}
	return p
}

// modelPlacement resolves the backend for `hearth model info`: with
// --gpu-mem, a plan for a hypothetical GPU of that size; otherwise what Load
// would pick on this machine.
func modelPlacement(path string, ctx int, bf backendFlags, gpuMem string) (backend.Selection, error) {
	kind, policy, err := bf.options()
	if err != nil {
		return backend.Selection{}, err
	}
	if gpuMem == "" {
		return engine.ProbeBackend(path, ctx, kind, policy)
	}
	free, err := parseBytes(gpuMem)
	if err != nil {
		return backend.Selection{}, fmt.Errorf("--gpu-mem: %w", err)
	}
	plan, err := engine.PlanFor(path, ctx, free, *policy)
	if err != nil {
		return backend.Selection{}, err
	}
	return backend.Selection{Requested: kind, Active: backend.CPU, Device: plan.Device, Plan: &plan,
		Note: "placement planned for --gpu-mem " + gpuMem + "; nothing was opened"}, nil
}
