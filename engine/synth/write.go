package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"hearth/engine/gguf"
	"hearth/engine/quant"
)

// poolBlocksBytes is the size of the pool of quantized random blocks that
// tensors are filled from, per type.
const poolBlocksBytes = 8 << 20

// Ensure returns the path of the synthetic model name inside dir, writing it
// first if it is not there yet. progress, if not nil, is called with a short
// message and the fraction done while writing.
func Ensure(dir, name string, progress func(msg string, done float64)) (string, error) {
	m, err := Lookup(name)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, name+".gguf")
	if _, err := os.Stat(path); err == nil {
		return path, nil // written whole: Write renames into place only at the end
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("synth: %w", err)
	}
	return path, Write(path, m, progress)
}

// Write writes model m to path.
func Write(path string, m Model, progress func(msg string, done float64)) error {
	if progress == nil {
		progress = func(string, float64) {}
	}
	b := &builder{w: gguf.NewWriter(), rng: rand.New(rand.NewPCG(1, uint64(len(m.Name)))), pools: map[quant.Type][]byte{}}
	s := m.Shape
	b.setHparams(m)
	var v vocab
	if s.Arch == "llama4" {
		v = llama4Vocab(s.Vocab)
	} else {
		v = llama3Vocab(s.Vocab)
	}
	v.setTokenizer(b.w)

	if s.RopeFactor != 0 {
		b.f32("rope_freqs.weight", ropeFreqs(s), []int64{int64(s.HeadDim / 2)})
	}
	b.weight("token_embd", m.Mix.tensorType("token_embd", 0, s.Layers, s.Tied), []int64{int64(s.Embd), int64(s.Vocab)})
	for l := 0; l < s.Layers; l++ {
		progress(fmt.Sprintf("layer %d of %d", l+1, s.Layers), float64(l)/float64(s.Layers))
		b.layer(m, l)
	}
	b.norm("output_norm.weight", s.Embd)
	if !s.Tied {
		b.weight("output", m.Mix.tensorType("output", 0, s.Layers, false), []int64{int64(s.Embd), int64(s.Vocab)})
	}
	if b.err != nil {
		return b.err
	}
	progress("writing "+filepath.Base(path), 1)
	return b.w.WriteFile(path)
}

// builder accumulates tensors, keeping the first error.
type builder struct {
	w     *gguf.Writer
	rng   *rand.Rand
	pools map[quant.Type][]byte
	err   error
}

func (b *builder) setHparams(m Model) {
	s, a := m.Shape, m.Shape.Arch
	w := b.w
	w.Set("general.architecture", gguf.Str(a))
	w.Set("general.name", gguf.Str("hearth-synthetic-"+m.Name))
	w.Set("general.file_type", gguf.Uint32(m.Mix.fileType()))
	w.Set("general.quantization_version", gguf.Uint32(2))
	w.Set(a+".block_count", gguf.Uint32(uint32(s.Layers)))
	w.Set(a+".context_length", gguf.Uint32(uint32(s.CtxTrain)))
	w.Set(a+".embedding_length", gguf.Uint32(uint32(s.Embd)))
	w.Set(a+".feed_forward_length", gguf.Uint32(uint32(s.FF)))
	w.Set(a+".attention.head_count", gguf.Uint32(uint32(s.Heads)))
	w.Set(a+".attention.head_count_kv", gguf.Uint32(uint32(s.HeadsKV)))
	w.Set(a+".attention.key_length", gguf.Uint32(uint32(s.HeadDim)))
	w.Set(a+".attention.value_length", gguf.Uint32(uint32(s.HeadDim)))
	w.Set(a+".rope.freq_base", gguf.Float32(500000))
	w.Set(a+".rope.dimension_count", gguf.Uint32(uint32(s.HeadDim)))
	w.Set(a+".attention.layer_norm_rms_epsilon", gguf.Float32(1e-5))
	w.Set(a+".vocab_size", gguf.Uint32(uint32(s.Vocab)))
	if a == "llama4" {
		w.Set(a+".expert_count", gguf.Uint32(uint32(s.Experts)))
		w.Set(a+".expert_used_count", gguf.Uint32(uint32(s.ExpertsUse)))
		w.Set(a+".expert_feed_forward_length", gguf.Uint32(uint32(s.ExpertFF)))
		w.Set(a+".interleave_moe_layer_step", gguf.Uint32(uint32(s.MoEStep)))
	}
}

func (b *builder) layer(m Model, l int) {
	s := m.Shape
	E, q, kv := int64(s.Embd), int64(s.Heads*s.HeadDim), int64(s.HeadsKV*s.HeadDim)
	name := func(kind string) string { return fmt.Sprintf("blk.%d.%s.weight", l, kind) }
	typ := func(kind string) quant.Type { return m.Mix.tensorType(kind, l, s.Layers, s.Tied) }
	b.norm(name("attn_norm"), s.Embd)
	b.weight(fmt.Sprintf("blk.%d.attn_q", l), typ("attn_q"), []int64{E, q})
	b.weight(fmt.Sprintf("blk.%d.attn_k", l), typ("attn_k"), []int64{E, kv})
	b.weight(fmt.Sprintf("blk.%d.attn_v", l), typ("attn_v"), []int64{E, kv})
	b.weight(fmt.Sprintf("blk.%d.attn_output", l), typ("attn_output"), []int64{q, E})
	b.norm(name("ffn_norm"), s.Embd)
	if s.Arch == "llama4" && (l+1)%s.MoEStep == 0 {
		X, F := int64(s.Experts), int64(s.ExpertFF)
		router := make([]float32, E*X)
		for i := range router {
			router[i] = float32(b.rng.NormFloat64() * 3 / math.Sqrt(float64(E)))
		}
		b.f32(name("ffn_gate_inp"), router, []int64{E, X})
		for _, k := range []string{"ffn_gate_exps", "ffn_up_exps"} {
			b.weight(fmt.Sprintf("blk.%d.%s", l, k), typ(k), []int64{E, F, X})
		}
		b.weight(fmt.Sprintf("blk.%d.ffn_down_exps", l), typ("ffn_down_exps"), []int64{F, E, X})
		for _, k := range []string{"ffn_gate_shexp", "ffn_up_shexp"} {
			b.weight(fmt.Sprintf("blk.%d.%s", l, k), typ(k), []int64{E, F})
		}
		b.weight(fmt.Sprintf("blk.%d.ffn_down_shexp", l), typ("ffn_down_shexp"), []int64{F, E})
		return
	}
	F := int64(s.FF)
	b.weight(fmt.Sprintf("blk.%d.ffn_gate", l), typ("ffn_gate"), []int64{E, F})
	b.weight(fmt.Sprintf("blk.%d.ffn_up", l), typ("ffn_up"), []int64{E, F})
	b.weight(fmt.Sprintf("blk.%d.ffn_down", l), typ("ffn_down"), []int64{F, E})
}

func (b *builder) norm(name string, n int) {
	w := make([]float32, n)
	for i := range w {
		w[i] = float32(1 + 0.1*b.rng.NormFloat64())
	}
	b.f32(name, w, []int64{int64(n)})
}

func (b *builder) f32(name string, vals []float32, dims []int64) {
	data := make([]byte, 4*len(vals))
	for i, x := range vals {
		u := math.Float32bits(x)
		data[4*i], data[4*i+1], data[4*i+2], data[4*i+3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
	}
	b.add(name, quant.F32, dims, data)
}

// weight adds a random quantized tensor (name without ".weight").
func (b *builder) weight(name string, t quant.Type, dims []int64) {
	if b.err != nil {
		return
	}
	rowBytes, err := quant.RowBytes(t, int(dims[0]))
	if err != nil {
		b.err = fmt.Errorf("synth: %s: %w", name, err)
		return
	}
	rows := int64(1)
	for _, d := range dims[1:] {
		rows *= d
	}
	data := make([]byte, int64(rowBytes)*rows)
	pool := b.pool(t)
	layout, _ := quant.LayoutOf(t)
	blockBytes := layout.BlockBytes
	const run = 64 << 10
	for off := 0; off < len(data); {
		start := b.rng.IntN(len(pool)/blockBytes) * blockBytes
		n := min(len(data)-off, len(pool)-start, run/blockBytes*blockBytes)
		copy(data[off:off+n], pool[start:start+n])
		off += n
	}
	b.add(name+".weight", t, dims, data)
}

// pool returns blocks of type t quantized from normal noise (std 0.02, the
// scale of real transformer weights).
func (b *builder) pool(t quant.Type) []byte {
	if p, ok := b.pools[t]; ok {
		return p
	}
	const rowLen = 4096
	rowBytes, _ := quant.RowBytes(t, rowLen)
	rows := poolBlocksBytes / rowBytes
	pool := make([]byte, rows*rowBytes)
	src := make([]float32, rowLen)
	for r := 0; r < rows && b.err == nil; r++ {
		for i := range src {
			src[i] = float32(0.02 * b.rng.NormFloat64())
		}
		if err := quant.Quantize(t, src, pool[r*rowBytes:(r+1)*rowBytes]); err != nil {
			b.err = fmt.Errorf("synth: quantize %s: %w", t, err)
		}
	}
	b.pools[t] = pool
	return pool
}

func (b *builder) add(name string, t quant.Type, dims []int64, data []byte) {
	if b.err == nil {
		b.err = b.w.AddTensor(name, t, dims, data)
	}
}

// ropeFreqs computes the Llama 3 RoPE scaling divisors, as llama.cpp's
// converter stores them in rope_freqs.weight.
func ropeFreqs(s Shape) []float32 {
	out := make([]float32, s.HeadDim/2)
	lowWave := float64(s.RopeOrig) / s.RopeLow
	highWave := float64(s.RopeOrig) / s.RopeHigh
	for i := range out {
		freq := math.Pow(500000, -2*float64(i)/float64(s.HeadDim))
		wave := 2 * math.Pi / freq
		switch {
		case wave < highWave:
			out[i] = 1
		case wave > lowWave:
			out[i] = float32(s.RopeFactor)
		default:
			smooth := (float64(s.RopeOrig)/wave - s.RopeLow) / (s.RopeHigh - s.RopeLow)
			out[i] = float32(1 / ((1-smooth)/s.RopeFactor + smooth))
		}
	}
	return out
}
