package gguf

import (
	"fmt"
	"math"
)

// ValueType is a gguf_type id: the type of a metadata value.
type ValueType uint32

// The metadata value types of GGUF v2/v3.
const (
	TypeUint8   ValueType = 0
	TypeInt8    ValueType = 1
	TypeUint16  ValueType = 2
	TypeInt16   ValueType = 3
	TypeUint32  ValueType = 4
	TypeInt32   ValueType = 5
	TypeFloat32 ValueType = 6
	TypeBool    ValueType = 7
	TypeString  ValueType = 8
	TypeArray   ValueType = 9
	TypeUint64  ValueType = 10
	TypeInt64   ValueType = 11
	TypeFloat64 ValueType = 12
)

var valueTypeNames = [...]string{"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool", "string", "array", "uint64", "int64", "float64"}

// String returns the GGUF name of the type ("uint32").
func (t ValueType) String() string {
	if int(t) < len(valueTypeNames) {
		return valueTypeNames[t]
	}
	return fmt.Sprintf("gguf_type(%d)", uint32(t))
}

// scalarSize is the encoded size of a fixed-width scalar type, or 0 for
// strings, arrays and unknown types.
func (t ValueType) scalarSize() int {
	switch t {
	case TypeUint8, TypeInt8, TypeBool:
		return 1
	case TypeUint16, TypeInt16:
		return 2
	case TypeUint32, TypeInt32, TypeFloat32:
		return 4
	case TypeUint64, TypeInt64, TypeFloat64:
		return 8
	}
	return 0
}

// Value is one metadata value. Scalars are held as the Go type of the same
// width (uint8, int16, float32, bool, string, ...); arrays as a typed slice
// ([]string, []int32, []float32, ...), with ElemType naming the element type.
type Value struct {
	Type     ValueType
	ElemType ValueType // only for TypeArray
	v        any
}

// Any returns the Go value: a scalar, a string, or a typed slice for arrays.
func (v Value) Any() any { return v.v }

// Value constructors, for File.Override and Writer.Set.

// Uint8 makes a uint8 value.
func Uint8(x uint8) Value { return Value{Type: TypeUint8, v: x} }

// Int8 makes an int8 value.
func Int8(x int8) Value { return Value{Type: TypeInt8, v: x} }

// Uint16 makes a uint16 value.
func Uint16(x uint16) Value { return Value{Type: TypeUint16, v: x} }

// Int16 makes an int16 value.
func Int16(x int16) Value { return Value{Type: TypeInt16, v: x} }

// Uint32 makes a uint32 value.
func Uint32(x uint32) Value { return Value{Type: TypeUint32, v: x} }

// Int32 makes an int32 value.
func Int32(x int32) Value { return Value{Type: TypeInt32, v: x} }

// Uint64 makes a uint64 value.
func Uint64(x uint64) Value { return Value{Type: TypeUint64, v: x} }

// Int64 makes an int64 value.
func Int64(x int64) Value { return Value{Type: TypeInt64, v: x} }

// Float32 makes a float32 value.
func Float32(x float32) Value { return Value{Type: TypeFloat32, v: x} }

// Float64 makes a float64 value.
func Float64(x float64) Value { return Value{Type: TypeFloat64, v: x} }

// Bool makes a bool value.
func Bool(x bool) Value { return Value{Type: TypeBool, v: x} }

// Str makes a string value.
func Str(s string) Value { return Value{Type: TypeString, v: s} }

// Array makes an array value of elemType from a slice of the matching Go
// type ([]string for TypeString, []int32 for TypeInt32, ...). It panics on a
// mismatch, which is a programming error, never a property of input data.
func Array(elemType ValueType, slice any) Value {
	if !sliceMatches(elemType, slice) {
		panic(fmt.Sprintf("gguf.Array: %T is not a slice of %s", slice, elemType))
	}
	return Value{Type: TypeArray, ElemType: elemType, v: slice}
}

func sliceMatches(t ValueType, slice any) bool {
	switch slice.(type) {
	case []uint8:
		return t == TypeUint8
	case []int8:
		return t == TypeInt8
	case []uint16:
		return t == TypeUint16
	case []int16:
		return t == TypeInt16
	case []uint32:
		return t == TypeUint32
	case []int32:
		return t == TypeInt32
	case []float32:
		return t == TypeFloat32
	case []bool:
		return t == TypeBool
	case []string:
		return t == TypeString
	case []uint64:
		return t == TypeUint64
	case []int64:
		return t == TypeInt64
	case []float64:
		return t == TypeFloat64
	}
	return false
}

// asInt64 converts any integer scalar to int64; ok is false for non-integers
// and for uint64 values above MaxInt64.
func asInt64(x any) (int64, bool) {
	switch n := x.(type) {
	case uint8:
		return int64(n), true
	case int8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case int16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint64:
		if n > math.MaxInt64 {
			return 0, false
		}
		return int64(n), true
	}
	return 0, false
}

// ints converts an integer array to []int64.
func ints(x any) ([]int64, bool) {
	var out []int64
	conv := func(n int, at func(int) int64) []int64 {
		out = make([]int64, n)
		for i := range out {
			out[i] = at(i)
		}
		return out
	}
	switch s := x.(type) {
	case []uint8:
		return conv(len(s), func(i int) int64 { return int64(s[i]) }), true
	case []int8:
		return conv(len(s), func(i int) int64 { return int64(s[i]) }), true
	case []uint16:
		return conv(len(s), func(i int) int64 { return int64(s[i]) }), true
	case []int16:
		return conv(len(s), func(i int) int64 { return int64(s[i]) }), true
	case []uint32:
		return conv(len(s), func(i int) int64 { return int64(s[i]) }), true
	case []int32:
		return conv(len(s), func(i int) int64 { return int64(s[i]) }), true
	case []int64:
		return conv(len(s), func(i int) int64 { return s[i] }), true
	case []uint64:
		for _, v := range s {
			if v > math.MaxInt64 {
				return nil, false
			}
		}
		return conv(len(s), func(i int) int64 { return int64(s[i]) }), true
	}
	return nil, false
}
