package kv

import (
	"encoding/binary"
	"fmt"
	"math"
)

// RowBytes is the size of the K and V rows of one position in one layer.
func (l *Layer) RowBytes() int { return 2 * l.dim * l.typ.Bytes() }

// AppendRows appends the keys and then the values of positions
// [pos, pos+n) to dst, little-endian in the storage type. For a chunked
// layer the positions must lie in the chunk the ring holds.
func (l *Layer) AppendRows(dst []byte, pos, n int) []byte {
	for _, part := range [2]int{0, 1} {
		for p := pos; p < pos+n; p++ {
			off := l.Slot(p) * l.dim
			for i := 0; i < l.dim; i++ {
				if l.typ == F16 {
					v := l.k16[off+i]
					if part == 1 {
						v = l.v16[off+i]
					}
					dst = binary.LittleEndian.AppendUint16(dst, v)
					continue
				}
				v := l.k32[off+i]
				if part == 1 {
					v = l.v32[off+i]
				}
				dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(v))
			}
		}
	}
	return dst
}

// SetRows stores rows written by AppendRows for positions [pos, pos+n) and
// returns what follows them in src.
func (l *Layer) SetRows(pos, n int, src []byte) ([]byte, error) {
	need := n * l.RowBytes()
	if len(src) < need {
		return nil, fmt.Errorf("kv: %d positions need %d bytes, have %d", n, need, len(src))
	}
	es := l.typ.Bytes()
	for part := 0; part < 2; part++ {
		for p := pos; p < pos+n; p++ {
			off := l.Slot(p) * l.dim
			for i := 0; i < l.dim; i++ {
				b := src[((part*n+(p-pos))*l.dim+i)*es:]
				switch {
				case l.typ == F16 && part == 0:
					l.k16[off+i] = binary.LittleEndian.Uint16(b)
				case l.typ == F16:
					l.v16[off+i] = binary.LittleEndian.Uint16(b)
				case part == 0:
					l.k32[off+i] = math.Float32frombits(binary.LittleEndian.Uint32(b))
				default:
					l.v32[off+i] = math.Float32frombits(binary.LittleEndian.Uint32(b))
				}
			}
		}
	}
	return src[need:], nil
}
