package cpu

import (
	"fmt"
	"unsafe"

	"hearth/engine/quant"
)

// Matrix is a weight matrix read in place from the model file: Rows rows of
// Cols elements of Type, each row Stride bytes, stored back to back in Data.
// A row computes one output: y[r] = Σ_c W[r][c]·x[c].
type Matrix struct {
	Type   quant.Type
	Cols   int
	Rows   int
	Stride int
	Data   []byte
}

// NewMatrix views data as rows×cols elements of type t and checks its size.
func NewMatrix(t quant.Type, cols, rows int, data []byte) (Matrix, error) {
	stride, err := quant.RowBytes(t, cols)
	if err != nil {
		return Matrix{}, err
	}
	if len(data) < stride*rows {
		return Matrix{}, fmt.Errorf("cpu: %s matrix %d×%d needs %d bytes, have %d", t, rows, cols, stride*rows, len(data))
	}
	return Matrix{Type: t, Cols: cols, Rows: rows, Stride: stride, Data: data[:stride*rows]}, nil
}

// Row returns the bytes of row r.
func (m Matrix) Row(r int) []byte {
	return m.Data[r*m.Stride : (r+1)*m.Stride]
}

// Block returns rows [r0, r1) as a matrix of their own (an expert's slice of
// a stacked expert tensor).
func (m Matrix) Block(r0, r1 int) Matrix {
	return Matrix{Type: m.Type, Cols: m.Cols, Rows: r1 - r0, Stride: m.Stride, Data: m.Data[r0*m.Stride : r1*m.Stride]}
}

// DequantRow writes row r as f32 into dst (len ≥ Cols).
func (m Matrix) DequantRow(r int, dst []float32) error {
	if m.Type == quant.F32 {
		copy(dst[:m.Cols], f32View(m.Row(r)))
		return nil
	}
	return quant.Dequantize(m.Type, m.Row(r), dst[:m.Cols])
}

// f32View reinterprets little-endian f32 bytes in place. GGUF aligns tensor
// data to at least 32 bytes, so the view is aligned.
func f32View(b []byte) []float32 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)
}
