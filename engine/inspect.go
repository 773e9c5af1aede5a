package engine

import (
	"fmt"
	"slices"
	"strings"

	"hearth/engine/gguf"
	"hearth/engine/kv"
	"hearth/engine/model"
)

// Info describes a model file without loading its weights for compute.
type Info struct {
	Path         string
	Arch         string
	Name         string
	Config       model.Config
	TotalParams  int64 // every tensor element
	ActiveParams int64 // matmul weights touched per token (top-k experts; no embedding table)
	Types        []TypeUsage
	ContextLen   int   // the context the memory figures are for
	WeightBytes  int64 // tensor data, read in place from the mapping
	KV           kv.Report
	ScratchBytes int64 // one session's activations at ContextLen, batch 512
}

// TypeUsage is how many tensors, elements and bytes one tensor type holds.
type TypeUsage struct {
	Type    string
	Tensors int
	Params  int64
	Bytes   int64
}

// TotalBytes is the memory a session at ContextLen needs: weights, f16 KV
// cache and scratch.
func (i Info) TotalBytes() int64 { return i.WeightBytes + i.KV.Total() + i.ScratchBytes }

// String formats the info for people.
func (i Info) String() string {
	var b strings.Builder
	c := i.Config
	fmt.Fprintf(&b, "%s (%s): %d layers, d=%d, %d/%d heads of %d, vocab %d, trained context %d\n",
		i.Name, i.Arch, c.Layers, c.Embd, c.Heads, c.HeadsKV, c.HeadDim, c.Vocab, c.ContextTrain)
	if c.Experts > 0 {
		fmt.Fprintf(&b, "experts: %d, %d used per token, MoE every %d layers\n", c.Experts, c.ExpertsUsed, c.MoEStep)
	}
	fmt.Fprintf(&b, "parameters: %d total, %d active per token\n", i.TotalParams, i.ActiveParams)
	for _, t := range i.Types {
		fmt.Fprintf(&b, "  %-6s %4d tensors %12d params %s\n", t.Type, t.Tensors, t.Params, mib(t.Bytes))
	}
	fmt.Fprintf(&b, "memory at context %d: weights %s + %s + scratch %s = %s",
		i.ContextLen, mib(i.WeightBytes), i.KV, mib(i.ScratchBytes), mib(i.TotalBytes()))
	return b.String()
}

// Inspect reads the metadata and tensor table of the GGUF at path and
// reports its architecture, parameters, quantization mix and the memory a
// session of ctxLen tokens (0: the trained context) would need.
func Inspect(path string, ctxLen int) (Info, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return Info{}, fmt.Errorf("engine: %w", err)
	}
	defer f.Close()
	m, err := model.Load(f)
	if err != nil {
		return Info{}, fmt.Errorf("engine: %w", err)
	}
	c := m.Config
	if ctxLen <= 0 {
		ctxLen = c.ContextTrain
	}
	info := Info{Path: path, Arch: c.Arch, Config: c, ContextLen: ctxLen, WeightBytes: weightBytes(f)}
	info.Name, _ = f.String("general.name")
	byType := map[string]*TypeUsage{}
	for _, t := range f.Tensors() {
		n := t.Elems()
		info.TotalParams += n
		info.ActiveParams += activeElems(t, c)
		u := byType[t.Type.String()]
		if u == nil {
			u = &TypeUsage{Type: t.Type.String()}
			byType[u.Type] = u
		}
		u.Tensors++
		u.Params += n
		u.Bytes += int64(len(t.Data))
	}
	for _, u := range byType {
		info.Types = append(info.Types, *u)
	}
	slices.SortFunc(info.Types, func(a, b TypeUsage) int { return int(b.Bytes - a.Bytes) })
	kvCfg := kv.Config{Chunked: c.ChunkedLayers(), KVDim: c.KVDim(), Context: ctxLen, Chunk: max(c.Chunk, 1), Type: kv.F16}
	info.KV = kv.Estimate(kvCfg)
	info.ScratchBytes = scratchBytes(&c, min(defaultBatch, ctxLen), ctxLen, 16)
	return info, nil
}

// activeElems counts the weights of t a decoded token multiplies by: the
// top-k share of a stacked expert tensor, nothing of the embedding table
// (one row is copied) unless it doubles as the output head, all of any
// other 2-D-or-more weight; norms and rope factors are not matmul weights.
func activeElems(t *gguf.Tensor, c model.Config) int64 {
	switch {
	case len(t.Dims) < 2:
		return 0
	case strings.Contains(t.Name, "_exps."):
		return t.Elems() / int64(c.Experts) * int64(c.ExpertsUsed)
	case t.Name == "token_embd.weight":
		return 0
	}
	return t.Elems()
}
