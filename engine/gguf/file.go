package gguf

import (
	"fmt"
	"math"
	"unsafe"

	"hearth/engine/quant"
)

// Tensor is one tensor of a GGUF file.
type Tensor struct {
	Name string
	Type quant.Type
	// Dims is the shape in ggml order: Dims[0] is the row length, the
	// contiguous dimension.
	Dims []int64
	// Data is a read-only view into the mapped file, exactly the tensor's
	// bytes. Writing to it faults.
	Data []byte
}

// Elems returns the number of elements.
func (t *Tensor) Elems() int64 {
	n := int64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// Rows returns the number of rows (the product of every dimension but the first).
func (t *Tensor) Rows() int64 { return t.Elems() / max(t.Dims[0], 1) }

// RowBytes returns the bytes of one row.
func (t *Tensor) RowBytes() int {
	n, _ := quant.RowBytes(t.Type, int(t.Dims[0])) // validated at load
	return n
}

// F32 returns the tensor as a zero-copy []float32. It fails unless the tensor
// is F32. GGUF aligns tensor data to at least 32 bytes, so the view is aligned.
func (t *Tensor) F32() ([]float32, error) {
	if t.Type != quant.F32 {
		return nil, fmt.Errorf("gguf: tensor %q is %s, not F32", t.Name, t.Type)
	}
	if len(t.Data) == 0 {
		return nil, nil
	}
	if uintptr(unsafe.Pointer(&t.Data[0]))%4 != 0 {
		return nil, fmt.Errorf("gguf: tensor %q data is not 4-byte aligned", t.Name)
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&t.Data[0])), len(t.Data)/4), nil
}

// kv is one metadata entry in file order.
type kv struct {
	key string
	val Value
}

// part is one parsed GGUF file: its header and a view of its data.
type part struct {
	path      string
	version   uint32
	alignment int
	kvs       []kv
	tensors   []*Tensor
}

// parsePart parses the header of one GGUF file held in buf and builds tensor
// views into buf. path is used only in error messages.
func parsePart(path string, buf []byte) (*part, error) {
	p := &part{path: path, alignment: defaultAlignment}
	if err := p.parse(buf); err != nil {
		return nil, fmt.Errorf("gguf: %s: %w", path, err)
	}
	return p, nil
}

func (p *part) parse(buf []byte) error {
	c := &cursor{buf: buf}
	if m := c.take(4, "magic"); c.err != nil {
		return c.err
	} else if string(m) != magic {
		return fmt.Errorf("not a GGUF file (magic %q)", m)
	}
	p.version = c.u32("version")
	switch {
	case c.err != nil:
		return c.err
	case p.version&0xFFFF == 0 && p.version != 0:
		return fmt.Errorf("version field %#x looks byte-swapped: big-endian GGUF files are not supported", p.version)
	case p.version != 2 && p.version != 3:
		return fmt.Errorf("unsupported GGUF version %d (want 2 or 3)", p.version)
	}
	// A tensor info takes at least 8+1 (name) + 4 + 8 + 4 + 8 bytes, a KV
	// pair at least 8+1 (key) + 4 + 1.
	nTensors := c.count("tensor count", 33)
	nKV := c.count("metadata count", 14)
	if c.err != nil {
		return c.err
	}
	if err := p.parseKV(c, nKV); err != nil {
		return err
	}
	return p.parseTensors(c, nTensors)
}

func (p *part) parseKV(c *cursor, n int) error {
	seen := make(map[string]bool, n)
	p.kvs = make([]kv, 0, n)
	for i := 0; i < n; i++ {
		key := c.str("key")
		t := ValueType(c.u32("value type"))
		if c.err != nil {
			return c.err
		}
		if key == "" {
			return fmt.Errorf("metadata entry %d has an empty key", i)
		}
		if seen[key] {
			return fmt.Errorf("duplicate metadata key %q", key)
		}
		seen[key] = true
		v := c.value(t, key)
		if c.err != nil {
			return c.err
		}
		p.kvs = append(p.kvs, kv{key, v})
		if key == alignmentKey {
			a, ok := v.Any().(uint32)
			if !ok || a == 0 || a&(a-1) != 0 {
				return fmt.Errorf("%s must be a uint32 power of two, got %s %v", alignmentKey, v.Type, v.Any())
			}
			p.alignment = int(a)
		}
	}
	return nil
}

func (p *part) parseTensors(c *cursor, n int) error {
	type info struct {
		t      *Tensor
		offset uint64
		nbytes int64
	}
	infos := make([]info, 0, n)
	seen := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		name := c.str("tensor name")
		nDims := c.u32("tensor dimension count")
		if c.err != nil {
			return c.err
		}
		if len(name) > maxNameBytes {
			return fmt.Errorf("tensor %d name is %d bytes, longer than %d", i, len(name), maxNameBytes)
		}
		if seen[name] {
			return fmt.Errorf("duplicate tensor %q", name)
		}
		seen[name] = true
		if nDims < 1 || nDims > maxDims {
			return fmt.Errorf("tensor %q has %d dimensions (want 1 to %d)", name, nDims, maxDims)
		}
		dims := make([]int64, nDims)
		elems := uint64(1)
		for d := range dims {
			v := c.u64("tensor dimension")
			if v > math.MaxInt64 {
				return fmt.Errorf("tensor %q dimension %d is negative", name, d)
			}
			dims[d] = int64(v)
			if v != 0 && elems > math.MaxInt64/v {
				return fmt.Errorf("tensor %q: shape overflows", name)
			}
			elems *= v
		}
		typ := quant.Type(c.u32("tensor type"))
		offset := c.u64("tensor offset")
		if c.err != nil {
			return c.err
		}
		nbytes, err := tensorNBytes(typ, dims)
		if err != nil {
			return fmt.Errorf("tensor %q: %w", name, err)
		}
		if offset%uint64(p.alignment) != 0 {
			return fmt.Errorf("tensor %q offset %d is not a multiple of the alignment %d", name, offset, p.alignment)
		}
		infos = append(infos, info{&Tensor{Name: name, Type: typ, Dims: dims}, offset, nbytes})
	}
	dataStart := (c.off + p.alignment - 1) / p.alignment * p.alignment
	if dataStart > len(c.buf) && n > 0 {
		return fmt.Errorf("data section starts at %d, past the end of the %d-byte file: %w", dataStart, len(c.buf), errTruncated)
	}
	dataLen := uint64(max(len(c.buf)-dataStart, 0))
	p.tensors = make([]*Tensor, len(infos))
	for i, in := range infos {
		if in.offset > dataLen || uint64(in.nbytes) > dataLen-in.offset {
			return fmt.Errorf("tensor %q (%d bytes at data offset %d) runs past the end of the file (%d data bytes): %w",
				in.t.Name, in.nbytes, in.offset, dataLen, errTruncated)
		}
		start := dataStart + int(in.offset)
		in.t.Data = c.buf[start : start+int(in.nbytes) : start+int(in.nbytes)]
		p.tensors[i] = in.t
	}
	return nil
}
