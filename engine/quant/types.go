// Package quant describes ggml's tensor element types: their block layouts,
// dequantization, the activation quantizers llama.cpp pairs them with,
// weight quantizers for synthetic models, and scalar reference dot products
// (computed as ggml's generic C code does) that faster kernels are tested
// against.
//
// Each type is one row of a traits table (see Traits). Adding a format means
// adding a row, not touching callers.
package quant

import "fmt"

// Type is a ggml_type id as stored in a GGUF tensor info.
type Type uint32

// The ggml_type ids (llama.cpp ggml/include/ggml.h). Ids 4, 5, 31–33 and
// 36–38 are retired and never valid.
const (
	F32     Type = 0
	F16     Type = 1
	Q4_0    Type = 2
	Q4_1    Type = 3
	Q5_0    Type = 6
	Q5_1    Type = 7
	Q8_0    Type = 8
	Q8_1    Type = 9
	Q2_K    Type = 10
	Q3_K    Type = 11
	Q4_K    Type = 12
	Q5_K    Type = 13
	Q6_K    Type = 14
	Q8_K    Type = 15
	IQ2_XXS Type = 16
	IQ2_XS  Type = 17
	IQ3_XXS Type = 18
	IQ1_S   Type = 19
	IQ4_NL  Type = 20
	IQ3_S   Type = 21
	IQ2_S   Type = 22
	IQ4_XS  Type = 23
	I8      Type = 24
	I16     Type = 25
	I32     Type = 26
	I64     Type = 27
	F64     Type = 28
	IQ1_M   Type = 29
	BF16    Type = 30
	TQ1_0   Type = 34
	TQ2_0   Type = 35
	MXFP4   Type = 39
)

// Layout is the storage shape of a type: how many elements one block holds
// and how many bytes it takes. Every tensor row is a whole number of blocks.
type Layout struct {
	Name       string
	BlockElems int
	BlockBytes int
}

// layouts lists every type a GGUF file may legally contain, including those
// Hearth cannot compute with (so that a file can still be inspected).
var layouts = map[Type]Layout{
	F32: {"F32", 1, 4}, F16: {"F16", 1, 2}, BF16: {"BF16", 1, 2},
	Q4_0: {"Q4_0", 32, 18}, Q4_1: {"Q4_1", 32, 20},
	Q5_0: {"Q5_0", 32, 22}, Q5_1: {"Q5_1", 32, 24},
	Q8_0: {"Q8_0", 32, 34}, Q8_1: {"Q8_1", 32, 36},
	Q2_K: {"Q2_K", 256, 84}, Q3_K: {"Q3_K", 256, 110}, Q4_K: {"Q4_K", 256, 144},
	Q5_K: {"Q5_K", 256, 176}, Q6_K: {"Q6_K", 256, 210}, Q8_K: {"Q8_K", 256, 292},
	IQ2_XXS: {"IQ2_XXS", 256, 66}, IQ2_XS: {"IQ2_XS", 256, 74},
	IQ3_XXS: {"IQ3_XXS", 256, 98}, IQ1_S: {"IQ1_S", 256, 50},
	IQ4_NL: {"IQ4_NL", 32, 18}, IQ3_S: {"IQ3_S", 256, 110},
	IQ2_S: {"IQ2_S", 256, 82}, IQ4_XS: {"IQ4_XS", 256, 136},
	I8: {"I8", 1, 1}, I16: {"I16", 1, 2}, I32: {"I32", 1, 4}, I64: {"I64", 1, 8},
	F64: {"F64", 1, 8}, IQ1_M: {"IQ1_M", 256, 56},
	TQ1_0: {"TQ1_0", 256, 54}, TQ2_0: {"TQ2_0", 256, 66}, MXFP4: {"MXFP4", 32, 17},
}

// LayoutOf returns the block layout of t, or false if t is not a known,
// non-retired ggml type.
func LayoutOf(t Type) (Layout, bool) {
	l, ok := layouts[t]
	return l, ok
}

// String returns the ggml name of the type ("Q4_K"), or "type(N)" if unknown.
func (t Type) String() string {
	if l, ok := layouts[t]; ok {
		return l.Name
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// RowBytes returns the bytes of a row of n elements of type t. It fails if
// the type is unknown or n is not a whole number of blocks.
func RowBytes(t Type, n int) (int, error) {
	l, ok := layouts[t]
	if !ok {
		return 0, fmt.Errorf("quant: unknown tensor type %d", uint32(t))
	}
	if n < 0 || n%l.BlockElems != 0 {
		return 0, fmt.Errorf("quant: %s row of %d elements is not a multiple of the block size %d", l.Name, n, l.BlockElems)
	}
	return n / l.BlockElems * l.BlockBytes, nil
}
