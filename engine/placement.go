package engine

import (
	"errors"
	"fmt"
	"os"

	"hearth/engine/backend"
	"hearth/engine/backend/cuda"
	"hearth/engine/backend/metal"
	"hearth/engine/gguf"
	"hearth/engine/model"
)

// gpuForwardWired says whether the forward pass can run on a GPU backend.
// The kernels, the device plumbing and the placement are in place and
// tested (engine/backend), but the forward pass still runs every layer on
// the CPU; until it is wired, an opened GPU is reported as unused with this
// reason rather than used silently or not at all.
const gpuForwardWired = false

const gpuNotWired = "the GPU forward pass is not wired into the engine yet (kernels and placement are; see README \"GPU backends\"), so every layer runs on the CPU"

// selectBackend resolves opts.Backend for the model in f at context ctx:
// it opens the GPU asked for (auto: CUDA, then Metal), plans the
// placement on it and closes it again. Nothing it does can fail the load:
// every GPU problem becomes the Selection's Fallback, shown to the user.
func selectBackend(f *gguf.File, c *model.Config, ctx int, opts LoadOptions) backend.Selection {
	kind := opts.Backend
	if kind == "" {
		kind = backend.Auto
	}
	sel := backend.Selection{Requested: kind, Active: backend.CPU}
	if kind == backend.CPU {
		return sel
	}
	dev, err := openGPU(kind)
	if err != nil {
		// auto on a machine without any GPU stack is the normal CPU case,
		// not a failure: noted, not flagged
		if kind == backend.Auto && (errors.Is(err, cuda.ErrNoDriver) || errors.Is(err, cuda.ErrUnsupported)) {
			sel.Note = "no GPU found (" + err.Error() + ")"
			return sel
		}
		sel.Fallback = err.Error()
		return sel
	}
	sel.Device = dev
	policy := backend.AutoPolicy
	if opts.Placement != nil {
		policy = *opts.Placement
	}
	plan := backend.PlanPlacement(dev, planTensors(f), layerKV(c, ctx), policy)
	sel.Plan = &plan
	if !gpuForwardWired {
		sel.Fallback = gpuNotWired
		return sel
	}
	sel.Active = dev.Kind
	return sel
}

// openGPU opens the backend of kind (auto: the first that opens), reads
// its device and closes it. Auto only probes CUDA's driver; an explicit
// --backend cuda also compiles (or loads the cached) kernels, so a broken
// NVRTC is reported at load.
func openGPU(kind backend.Kind) (backend.Device, error) {
	switch kind {
	case backend.CUDA, backend.Auto:
		d, err := cuda.Open(cuda.Options{ProbeOnly: kind == backend.Auto})
		if err == nil {
			defer d.Close()
			return d.Device(), nil
		}
		if kind == backend.CUDA {
			return backend.Device{}, err
		}
		if m, merr := metal.Open(); merr == nil {
			defer m.Close()
			return m.Device(), nil
		}
		return backend.Device{}, err
	case backend.Metal:
		m, err := metal.Open()
		if err != nil {
			return backend.Device{}, err
		}
		defer m.Close()
		return m.Device(), nil
	}
	return backend.Device{}, fmt.Errorf("engine: unknown backend %q", kind)
}

// planTensors is the planner's view of the file's tensors.
func planTensors(f *gguf.File) []backend.Tensor {
	var ts []backend.Tensor
	for _, t := range f.Tensors() {
		ts = append(ts, backend.Tensor{Name: t.Name, Bytes: int64(len(t.Data))})
	}
	return ts
}

// layerKV is each layer's f16 KV cache at ctx positions: a chunked layer
// keeps one chunk.
func layerKV(c *model.Config, ctx int) []int64 {
	kv := make([]int64, c.Layers)
	for l := range kv {
		n := ctx
		if c.Chunked(l) {
			n = min(ctx, max(c.Chunk, 1))
		}
		kv[l] = int64(n) * int64(c.KVDim()) * 2 * 2
	}
	return kv
}

// PlanFor plans the placement of the model at path on a device with free
// bytes of memory — for `hearth model info --gpu-mem`, to see where a model
// would go on a GPU this machine does not have.
func PlanFor(path string, ctx int, free int64, policy backend.Policy) (backend.Plan, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return backend.Plan{}, fmt.Errorf("engine: %w", err)
	}
	defer f.Close()
	cfg, err := model.ReadConfig(f)
	if err != nil {
		return backend.Plan{}, fmt.Errorf("engine: %w", err)
	}
	if ctx <= 0 {
		ctx = cfg.ContextTrain
	}
	dev := backend.Device{Kind: backend.CUDA, Name: "hypothetical GPU", Total: free, Free: free}
	return backend.PlanPlacement(dev, planTensors(f), layerKV(&cfg, ctx), policy), nil
}

// Backend returns the backend the model runs on and why, for the CLI's
// stderr line and the app's status banner.
func (m *Model) Backend() backend.Selection { return m.backend }

// warnBackend writes the selection to stderr when a GPU was asked for or
// found but is not used: a fallback is never silent.
func warnBackend(sel backend.Selection) {
	if sel.Fallback != "" {
		fmt.Fprintln(os.Stderr, "hearth:", sel.String())
	}
}

// ProbeBackend resolves kind for the model at path at context ctx (0: the
// trained context) as Load would, without loading the weights for compute:
// for `hearth model info`.
func ProbeBackend(path string, ctx int, kind backend.Kind, policy *backend.Policy) (backend.Selection, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return backend.Selection{}, fmt.Errorf("engine: %w", err)
	}
	defer f.Close()
	cfg, err := model.ReadConfig(f)
	if err != nil {
		return backend.Selection{}, fmt.Errorf("engine: %w", err)
	}
	if ctx <= 0 {
		ctx = cfg.ContextTrain
	}
	return selectBackend(f, &cfg, ctx, LoadOptions{Backend: kind, Placement: policy}), nil
}
