package gguf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"

	"hearth/engine/quant"
)

const (
	magic            = "GGUF"
	defaultAlignment = 32
	maxDims          = 4  // GGML_MAX_DIMS
	maxNameBytes     = 63 // GGML_MAX_NAME (64) less the NUL
	alignmentKey     = "general.alignment"
)

// errTruncated is wrapped by every error about data ending too early.
var errTruncated = errors.New("unexpected end of file")

// cursor reads little-endian GGUF fields from a byte slice, keeping the
// first error so that parsing code can read a run of fields and check once.
type cursor struct {
	buf []byte
	off int
	err error
}

func (c *cursor) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("at byte %d: %s", c.off, fmt.Sprintf(format, args...))
	}
}

func (c *cursor) remaining() int { return len(c.buf) - c.off }

func (c *cursor) take(n int, what string) []byte {
	if c.err != nil {
		return nil
	}
	if n < 0 || n > c.remaining() {
		c.err = fmt.Errorf("at byte %d: %s needs %d bytes, %d left: %w", c.off, what, n, c.remaining(), errTruncated)
		return nil
	}
	b := c.buf[c.off : c.off+n]
	c.off += n
	return b
}

func (c *cursor) u8(what string) uint8 {
	if b := c.take(1, what); b != nil {
		return b[0]
	}
	return 0
}

func (c *cursor) u16(what string) uint16 {
	if b := c.take(2, what); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (c *cursor) u32(what string) uint32 {
	if b := c.take(4, what); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (c *cursor) u64(what string) uint64 {
	if b := c.take(8, what); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

// count reads a u64 element count and checks that count elements of at least
// minBytes each could still fit in the file, so that a corrupt count can
// never make the reader allocate more than the file's size.
func (c *cursor) count(what string, minBytes int) int {
	n := c.u64(what)
	if c.err != nil {
		return 0
	}
	if minBytes < 1 {
		minBytes = 1
	}
	if n > uint64(c.remaining()/minBytes) {
		c.err = fmt.Errorf("at byte %d: %s %d cannot fit in the %d bytes left: %w", c.off, what, n, c.remaining(), errTruncated)
		return 0
	}
	return int(n)
}

func (c *cursor) str(what string) string {
	n := c.count(what+" length", 1)
	return string(c.take(n, what))
}

// value reads one metadata value of type t. Arrays of arrays are rejected, as
// llama.cpp does.
func (c *cursor) value(t ValueType, key string) Value {
	switch t {
	case TypeUint8:
		return Uint8(c.u8(key))
	case TypeInt8:
		return Int8(int8(c.u8(key)))
	case TypeUint16:
		return Uint16(c.u16(key))
	case TypeInt16:
		return Int16(int16(c.u16(key)))
	case TypeUint32:
		return Uint32(c.u32(key))
	case TypeInt32:
		return Int32(int32(c.u32(key)))
	case TypeFloat32:
		return Float32(math.Float32frombits(c.u32(key)))
	case TypeUint64:
		return Uint64(c.u64(key))
	case TypeInt64:
		return Int64(int64(c.u64(key)))
	case TypeFloat64:
		return Float64(math.Float64frombits(c.u64(key)))
	case TypeBool:
		b := c.u8(key)
		if b > 1 {
			c.fail("key %q: bool value %d is neither 0 nor 1", key, b)
		}
		return Bool(b == 1)
	case TypeString:
		return Str(c.str(key))
	case TypeArray:
		return c.array(key)
	}
	c.fail("key %q: unknown value type %d", key, uint32(t))
	return Value{}
}

func (c *cursor) array(key string) Value {
	et := ValueType(c.u32(key + " array type"))
	if c.err != nil {
		return Value{}
	}
	if et == TypeArray {
		c.fail("key %q: arrays of arrays are not supported", key)
		return Value{}
	}
	size := et.scalarSize()
	if et == TypeString {
		size = 8 // each string has at least its length field
	} else if size == 0 {
		c.fail("key %q: unknown array element type %d", key, uint32(et))
		return Value{}
	}
	n := c.count(key+" array length", size)
	if c.err != nil {
		return Value{}
	}
	if et == TypeString {
		s := make([]string, n)
		for i := range s {
			s[i] = c.str(key)
		}
		return Array(et, s)
	}
	raw := c.take(n*size, key)
	if c.err != nil {
		return Value{}
	}
	return Array(et, decodeScalars(et, raw, n, c, key))
}

// decodeScalars turns n packed little-endian scalars into a typed slice.
func decodeScalars(t ValueType, raw []byte, n int, c *cursor, key string) any {
	le := binary.LittleEndian
	switch t {
	case TypeUint8:
		return append([]uint8(nil), raw...)
	case TypeInt8:
		s := make([]int8, n)
		for i := range s {
			s[i] = int8(raw[i])
		}
		return s
	case TypeBool:
		s := make([]bool, n)
		for i := range s {
			if raw[i] > 1 {
				c.fail("key %q: bool element %d is %d", key, i, raw[i])
			}
			s[i] = raw[i] == 1
		}
		return s
	case TypeUint16:
		s := make([]uint16, n)
		for i := range s {
			s[i] = le.Uint16(raw[2*i:])
		}
		return s
	case TypeInt16:
		s := make([]int16, n)
		for i := range s {
			s[i] = int16(le.Uint16(raw[2*i:]))
		}
		return s
	case TypeUint32:
		s := make([]uint32, n)
		for i := range s {
			s[i] = le.Uint32(raw[4*i:])
		}
		return s
	case TypeInt32:
		s := make([]int32, n)
		for i := range s {
			s[i] = int32(le.Uint32(raw[4*i:]))
		}
		return s
	case TypeFloat32:
		s := make([]float32, n)
		for i := range s {
			s[i] = math.Float32frombits(le.Uint32(raw[4*i:]))
		}
		return s
	case TypeUint64:
		s := make([]uint64, n)
		for i := range s {
			s[i] = le.Uint64(raw[8*i:])
		}
		return s
	case TypeInt64:
		s := make([]int64, n)
		for i := range s {
			s[i] = int64(le.Uint64(raw[8*i:]))
		}
		return s
	default: // TypeFloat64
		s := make([]float64, n)
		for i := range s {
			s[i] = math.Float64frombits(le.Uint64(raw[8*i:]))
		}
		return s
	}
}

// tensorNBytes returns the byte size of a tensor of type t and shape dims,
// failing on unknown types, rows that are not whole blocks and overflow.
func tensorNBytes(t quant.Type, dims []int64) (int64, error) {
	layout, ok := quant.LayoutOf(t)
	if !ok {
		return 0, fmt.Errorf("unknown or retired tensor type %d", uint32(t))
	}
	if dims[0]%int64(layout.BlockElems) != 0 {
		return 0, fmt.Errorf("row length %d of %s is not a multiple of its block size %d", dims[0], layout.Name, layout.BlockElems)
	}
	total := uint64(dims[0]/int64(layout.BlockElems)) * uint64(layout.BlockBytes)
	for _, d := range dims[1:] {
		hi, lo := bits.Mul64(total, uint64(d))
		if hi != 0 || lo > math.MaxInt64 {
			return 0, fmt.Errorf("shape %v overflows", dims)
		}
		total = lo
	}
	return int64(total), nil
}
