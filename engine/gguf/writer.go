package gguf

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"hearth/engine/quant"
)

// Writer builds a GGUF v3 file in llama.cpp's layout: tensors stored in info
// order, each padded to the alignment.
type Writer struct {
	kvs     []kv
	kvIndex map[string]int
	tensors []*Tensor
	names   map[string]bool
}

// NewWriter returns an empty Writer.
func NewWriter() *Writer {
	return &Writer{kvIndex: map[string]int{}, names: map[string]bool{}}
}

// Set adds key, or replaces its value keeping its position.
func (w *Writer) Set(key string, v Value) {
	if i, ok := w.kvIndex[key]; ok {
		w.kvs[i].val = v
		return
	}
	w.kvIndex[key] = len(w.kvs)
	w.kvs = append(w.kvs, kv{key, v})
}

// AddTensor appends a tensor. data must hold exactly the tensor's bytes; it
// is referenced, not copied, until the file is written.
func (w *Writer) AddTensor(name string, typ quant.Type, dims []int64, data []byte) error {
	if name == "" || len(name) > maxNameBytes {
		return fmt.Errorf("gguf: tensor name %q must be 1 to %d bytes", name, maxNameBytes)
	}
	if w.names[name] {
		return fmt.Errorf("gguf: duplicate tensor %q", name)
	}
	if len(dims) < 1 || len(dims) > maxDims {
		return fmt.Errorf("gguf: tensor %q has %d dimensions (want 1 to %d)", name, len(dims), maxDims)
	}
	for _, d := range dims {
		if d < 0 {
			return fmt.Errorf("gguf: tensor %q has a negative dimension", name)
		}
	}
	n, err := tensorNBytes(typ, dims)
	if err != nil {
		return fmt.Errorf("gguf: tensor %q: %w", name, err)
	}
	if int64(len(data)) != n {
		return fmt.Errorf("gguf: tensor %q: %s %v needs %d bytes, got %d", name, typ, dims, n, len(data))
	}
	w.names[name] = true
	w.tensors = append(w.tensors, &Tensor{Name: name, Type: typ, Dims: append([]int64(nil), dims...), Data: data})
	return nil
}

func (w *Writer) alignment() int {
	if i, ok := w.kvIndex[alignmentKey]; ok {
		if a, ok := w.kvs[i].val.v.(uint32); ok && a != 0 && a&(a-1) == 0 {
			return int(a)
		}
	}
	return defaultAlignment
}

// WriteFile writes the model to path through a temporary file that is
// renamed into place, so a failed write never leaves a file that looks whole.
func (w *Writer) WriteFile(path string) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gguf-*.tmp")
	if err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if _, err = w.WriteTo(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("gguf: %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("gguf: %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	return nil
}

// WriteTo writes the whole file to out.
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	e := &encoder{w: out}
	align := w.alignment()
	e.raw([]byte(magic))
	e.u32(3)
	e.u64(uint64(len(w.tensors)))
	e.u64(uint64(len(w.kvs)))
	for _, p := range w.kvs {
		e.str(p.key)
		e.u32(uint32(p.val.Type))
		e.value(p.val)
	}
	var offset uint64
	for _, t := range w.tensors {
		e.str(t.Name)
		e.u32(uint32(len(t.Dims)))
		for _, d := range t.Dims {
			e.u64(uint64(d))
		}
		e.u32(uint32(t.Type))
		e.u64(offset)
		offset += uint64(padded(len(t.Data), align))
	}
	e.pad(align)
	for _, t := range w.tensors {
		e.raw(t.Data)
		e.pad(align)
	}
	if e.err != nil {
		return e.n, fmt.Errorf("gguf: write: %w", e.err)
	}
	return e.n, nil
}

func padded(n, align int) int { return (n + align - 1) / align * align }

// encoder writes little-endian GGUF fields, keeping the first error.
type encoder struct {
	w   io.Writer
	n   int64
	err error
	buf [8]byte
}

func (e *encoder) raw(b []byte) {
	if e.err != nil {
		return
	}
	k, err := e.w.Write(b)
	e.n += int64(k)
	e.err = err
}

func (e *encoder) pad(align int) {
	if r := int(e.n % int64(align)); r != 0 {
		e.raw(make([]byte, align-r))
	}
}

func (e *encoder) u8(v uint8) { e.raw([]byte{v}) }
func (e *encoder) u16(v uint16) {
	binary.LittleEndian.PutUint16(e.buf[:], v)
	e.raw(e.buf[:2])
}
func (e *encoder) u32(v uint32) {
	binary.LittleEndian.PutUint32(e.buf[:], v)
	e.raw(e.buf[:4])
}
func (e *encoder) u64(v uint64) {
	binary.LittleEndian.PutUint64(e.buf[:], v)
	e.raw(e.buf[:8])
}
func (e *encoder) str(s string) {
	e.u64(uint64(len(s)))
	e.raw([]byte(s))
}

func (e *encoder) value(v Value) {
	switch x := v.v.(type) {
	case uint8:
		e.u8(x)
	case int8:
		e.u8(uint8(x))
	case uint16:
		e.u16(x)
	case int16:
		e.u16(uint16(x))
	case uint32:
		e.u32(x)
	case int32:
		e.u32(uint32(x))
	case float32:
		e.u32(math.Float32bits(x))
	case uint64:
		e.u64(x)
	case int64:
		e.u64(uint64(x))
	case float64:
		e.u64(math.Float64bits(x))
	case bool:
		if x {
			e.u8(1)
		} else {
			e.u8(0)
		}
	case string:
		e.str(x)
	default:
		e.array(v)
	}
}

func (e *encoder) array(v Value) {
	e.u32(uint32(v.ElemType))
	switch s := v.v.(type) {
	case []string:
		e.u64(uint64(len(s)))
		for _, x := range s {
			e.str(x)
		}
	case []uint8:
		e.u64(uint64(len(s)))
		e.raw(s)
	default:
		n, at := scalarElems(s)
		e.u64(uint64(n))
		for i := 0; i < n; i++ {
			e.value(at(i))
		}
	}
}

// scalarElems gives indexed access to the elements of a numeric or bool slice
// as Values.
func scalarElems(s any) (int, func(int) Value) {
	switch s := s.(type) {
	case []int8:
		return len(s), func(i int) Value { return Int8(s[i]) }
	case []uint16:
		return len(s), func(i int) Value { return Uint16(s[i]) }
	case []int16:
		return len(s), func(i int) Value { return Int16(s[i]) }
	case []uint32:
		return len(s), func(i int) Value { return Uint32(s[i]) }
	case []int32:
		return len(s), func(i int) Value { return Int32(s[i]) }
	case []float32:
		return len(s), func(i int) Value { return Float32(s[i]) }
	case []uint64:
		return len(s), func(i int) Value { return Uint64(s[i]) }
	case []int64:
		return len(s), func(i int) Value { return Int64(s[i]) }
	case []float64:
		return len(s), func(i int) Value { return Float64(s[i]) }
	case []bool:
		return len(s), func(i int) Value { return Bool(s[i]) }
	}
	return 0, nil
}
