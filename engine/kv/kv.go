// Package kv is the attention key/value cache of one session.
//
// Each layer keeps, per cached position, a key row and a value row of KVDim
// = kv_heads × head_dim values (head-major: head j is values
// [j·head_dim, (j+1)·head_dim)). Global layers keep every position
// 0 … Context−1 in its own slot. Chunked-attention layers (Llama 4 RoPE
// layers) only ever attend inside their chunk of absolute positions, so they
// keep a ring of min(Chunk, Context) slots, position p living in slot
// p mod Chunk: their memory is bounded by the chunk size, not the context.
package kv

import (
	"errors"
	"fmt"

	"hearth/engine/quant"
)

// Type is the element type the cache stores K and V in.
type Type int

// The storage types. F16, the zero value and llama.cpp's default, halves the
// memory: keys and values are rounded to f16 when stored. F32 keeps them
// exact (the setting the goldens were computed with).
const (
	F16 Type = iota
	F32
)

// String returns "f32" or "f16".
func (t Type) String() string {
	if t == F16 {
		return "f16"
	}
	return "f32"
}

// ParseType maps "f32"/"f16" (and "" → f16) to a Type.
func ParseType(s string) (Type, error) {
	switch s {
	case "f32":
		return F32, nil
	case "f16", "":
		return F16, nil
	}
	return 0, fmt.Errorf("kv: unknown cache type %q (want f32 or f16)", s)
}

// Bytes returns the size of one stored element.
func (t Type) Bytes() int {
	if t == F16 {
		return 2
	}
	return 4
}

// Config describes a cache: one entry of Chunked per layer (true for
// chunked-attention layers), the row width, the context and the chunk size.
type Config struct {
	Chunked []bool
	KVDim   int
	Context int
	Chunk   int
	Type    Type
}

// Cache is the K/V storage of all layers of one session.
type Cache struct {
	cfg    Config
	layers []Layer
}

// Layer is the K/V storage of one layer.
type Layer struct {
	Chunked bool
	slots   int
	chunk   int
	dim     int
	typ     Type
	k32     []float32
	v32     []float32
	k16     []uint16
	v16     []uint16
}

// ErrConfig is wrapped by New for an impossible configuration.
var ErrConfig = errors.New("kv: bad cache configuration")

// New allocates a cache for cfg.
func New(cfg Config) (*Cache, error) {
	if cfg.KVDim <= 0 || cfg.Context <= 0 {
		return nil, fmt.Errorf("%w: kv dim %d, context %d", ErrConfig, cfg.KVDim, cfg.Context)
	}
	c := &Cache{cfg: cfg, layers: make([]Layer, len(cfg.Chunked))}
	for i, ch := range cfg.Chunked {
		if ch && cfg.Chunk <= 0 {
			return nil, fmt.Errorf("%w: layer %d is chunked but chunk size is %d", ErrConfig, i, cfg.Chunk)
		}
		l := Layer{Chunked: ch, slots: SlotsFor(ch, cfg.Context, cfg.Chunk), chunk: cfg.Chunk, dim: cfg.KVDim, typ: cfg.Type}
		n := l.slots * l.dim
		if cfg.Type == F16 {
			l.k16, l.v16 = make([]uint16, n), make([]uint16, n)
		} else {
			l.k32, l.v32 = make([]float32, n), make([]float32, n)
		}
		c.layers[i] = l
	}
	return c, nil
}

// SlotsFor is the number of positions a layer keeps: the whole context for
// a global layer, at most one chunk for a chunked one.
func SlotsFor(chunked bool, context, chunk int) int {
	if chunked {
		return min(context, chunk)
	}
	return context
}

// Config returns the configuration the cache was made with.
func (c *Cache) Config() Config { return c.cfg }

// Layer returns layer l's storage.
func (c *Cache) Layer(l int) *Layer { return &c.layers[l] }

// Type returns the storage type.
func (l *Layer) Type() Type { return l.typ }

// Slot returns the slot that holds absolute position pos.
func (l *Layer) Slot(pos int) int {
	if l.Chunked {
		return pos % l.chunk
	}
	return pos
}

// Store writes the key and value rows of position pos.
func (l *Layer) Store(pos int, k, v []float32) {
	off := l.Slot(pos) * l.dim
	if l.typ == F16 {
		for i := 0; i < l.dim; i++ {
			l.k16[off+i] = quant.F32ToF16(k[i])
			l.v16[off+i] = quant.F32ToF16(v[i])
		}
		return
	}
	copy(l.k32[off:off+l.dim], k)
	copy(l.v32[off:off+l.dim], v)
}

// KeysF32 and ValuesF32 return the f32 storage, slot-major (nil for F16).
func (l *Layer) KeysF32() []float32 { return l.k32 }

// ValuesF32 returns the f32 value storage, slot-major (nil for F16).
func (l *Layer) ValuesF32() []float32 { return l.v32 }

// KeysF16 returns the f16 key storage, slot-major (nil for F32).
func (l *Layer) KeysF16() []uint16 { return l.k16 }

// ValuesF16 returns the f16 value storage, slot-major (nil for F32).
func (l *Layer) ValuesF16() []uint16 { return l.v16 }

// Bytes returns the memory the layer's K and V take.
func (l *Layer) Bytes() int64 { return int64(2 * l.slots * l.dim * l.typ.Bytes()) }

// Slots returns how many positions the layer keeps.
func (l *Layer) Slots() int { return l.slots }
