// Package engine is Hearth's inference API: Load a Llama 3.x or Llama 4 GGUF,
// open Sessions on it (each with its own KV cache and scratch, sharing the
// mapped weights), Prefill prompts, and Generate tokens as a stream.
//
// The engine computes what llama.cpp's CPU backend computes: by default each
// matmul quantizes its activations to the weight type's partner and takes
// quantized dot products (LoadOptions.ReferenceMath switches to f32 math on
// dequantized weights instead).
package engine

import (
	"fmt"
	"os"

	"hearth/engine/backend"
	"hearth/engine/cpu"
	"hearth/engine/gguf"
	"hearth/engine/kv"
	"hearth/engine/model"
)

// LoadOptions configure Load. The zero value is usable.
type LoadOptions struct {
	// Overrides are llama.cpp --override-kv strings, KEY=TYPE:VALUE with
	// TYPE int|float|bool|str, applied to the metadata before it is read.
	Overrides []string
	// Threads is the number of worker threads; 0 means one per CPU.
	Threads int
	// ReferenceMath dequantizes weight rows to f32 and multiplies in f32
	// instead of llama.cpp's quantized activations. The environment variable
	// HEARTH_MATH=f32 turns it on too.
	ReferenceMath bool
	// MemoryBudget caps weights + KV + scratch in bytes; 0 means the
	// machine's available memory (MemAvailable on Linux).
	MemoryBudget int64
	// ContextLen is the context sessions get by default; 0 picks the
	// trained context or what fits the budget, whichever is smaller.
	ContextLen int
	// KVType is the default cache element type of sessions.
	KVType kv.Type
	// Backend is the compute backend asked for (--backend); "" means auto.
	// A GPU that cannot be used leaves the model on the CPU, with the reason
	// in Model.Backend().
	Backend backend.Kind
	// Placement overrides the automatic GPU placement; nil is automatic.
	Placement *backend.Policy
}

// Model is a loaded model. Its methods are safe for concurrent use; its
// sessions are not shared between goroutines.
type Model struct {
	file      *gguf.File
	m         *model.Model
	pool      *cpu.Pool
	reference bool
	context   int
	kvType    kv.Type
	budget    int64
	weights   int64
	backend   backend.Selection
}

// Load opens and maps the GGUF at path, applies the overrides, binds and
// checks every weight, and refuses a model plus context that does not fit
// the memory budget.
func Load(path string, opts LoadOptions) (*Model, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	mdl, err := load(f, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	return mdl, nil
}

func load(f *gguf.File, opts LoadOptions) (*Model, error) {
	for _, o := range opts.Overrides {
		key, v, err := gguf.ParseOverride(o)
		if err != nil {
			return nil, fmt.Errorf("engine: --override-kv %q: %w", o, err)
		}
		f.Override(key, v)
	}
	m, err := model.Load(f)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	mdl := &Model{
		file:      f,
		m:         m,
		reference: opts.ReferenceMath || os.Getenv("HEARTH_MATH") == "f32",
		kvType:    opts.KVType,
		weights:   weightBytes(f),
	}
	mdl.budget = opts.MemoryBudget
	if mdl.budget <= 0 {
		mdl.budget = AvailableMemory()
	}
	ctx, err := mdl.fitContext(opts.ContextLen, opts.KVType)
	if err != nil {
		return nil, err
	}
	mdl.context = ctx
	mdl.backend = selectBackend(f, &m.Config, ctx, opts)
	warnBackend(mdl.backend)
	mdl.pool = cpu.NewPool(opts.Threads)
	return mdl, nil
}

// Close unmaps the file and stops the workers. Sessions must not be used
// afterwards.
func (m *Model) Close() error {
	m.pool.Close()
	return m.file.Close()
}

// File returns the GGUF the model was loaded from (for the tokenizer and the
// chat format).
func (m *Model) File() *gguf.File { return m.file }

// Config returns the architecture's hyperparameters.
func (m *Model) Config() model.Config { return m.m.Config }

// ContextLen returns the default context length of new sessions.
func (m *Model) ContextLen() int { return m.context }

// VocabSize returns the number of logits per position.
func (m *Model) VocabSize() int { return m.m.Config.Vocab }

// Threads returns the number of worker threads.
func (m *Model) Threads() int { return m.pool.Threads() }

// KVReport returns the cache memory a session of ctx positions and element
// type t would take, by layer kind.
func (m *Model) KVReport(ctx int, t kv.Type) kv.Report {
	return kv.Estimate(m.kvConfig(ctx, t))
}

func (m *Model) kvConfig(ctx int, t kv.Type) kv.Config {
	c := &m.m.Config
	return kv.Config{Chunked: c.ChunkedLayers(), KVDim: c.KVDim(), Context: ctx, Chunk: max(c.Chunk, 1), Type: t}
}
