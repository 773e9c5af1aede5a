package gguf

import (
	"fmt"
	"strconv"
	"strings"
)

// Keys returns the metadata keys in file order (overrides that added a key
// come last).
func (f *File) Keys() []string {
	keys := make([]string, len(f.kvs))
	for i, e := range f.kvs {
		keys[i] = e.key
	}
	return keys
}

// Value returns the raw metadata value of key.
func (f *File) Value(key string) (Value, bool) {
	i, ok := f.kvIndex[key]
	if !ok {
		return Value{}, false
	}
	return f.kvs[i].val, true
}

// Override replaces the value of key (or adds it) in memory. The file on
// disk is never changed. Used for llama.cpp-style --override-kv.
func (f *File) Override(key string, v Value) {
	if i, ok := f.kvIndex[key]; ok {
		f.kvs[i].val = v
		return
	}
	f.kvIndex[key] = len(f.kvs)
	f.kvs = append(f.kvs, kv{key, v})
}

// Arch returns general.architecture ("llama4", "llama", "clip"), or "".
func (f *File) Arch() string {
	s, _ := f.String("general.architecture")
	return s
}

// String returns a string value.
func (f *File) String(key string) (string, bool) {
	v, ok := f.Value(key)
	s, isStr := v.v.(string)
	return s, ok && isStr
}

// Int returns an integer value of any width.
func (f *File) Int(key string) (int64, bool) {
	v, ok := f.Value(key)
	if !ok {
		return 0, false
	}
	return asInt64(v.v)
}

// Uint returns a non-negative integer value of any width.
func (f *File) Uint(key string) (uint64, bool) {
	v, ok := f.Value(key)
	if !ok {
		return 0, false
	}
	if u, isU64 := v.v.(uint64); isU64 {
		return u, true
	}
	n, isInt := asInt64(v.v)
	if !isInt || n < 0 {
		return 0, false
	}
	return uint64(n), true
}

// Float returns a float value; integer values are converted.
func (f *File) Float(key string) (float64, bool) {
	v, ok := f.Value(key)
	if !ok {
		return 0, false
	}
	switch x := v.v.(type) {
	case float32:
		return float64(x), true
	case float64:
		return x, true
	}
	n, isInt := asInt64(v.v)
	return float64(n), isInt
}

// Bool returns a bool value.
func (f *File) Bool(key string) (bool, bool) {
	v, ok := f.Value(key)
	b, isBool := v.v.(bool)
	return b, ok && isBool
}

// Strings returns an array of strings.
func (f *File) Strings(key string) ([]string, bool) {
	v, ok := f.Value(key)
	s, isStrs := v.v.([]string)
	return s, ok && isStrs
}

// Ints returns an array of integers of any width, converted to int64.
func (f *File) Ints(key string) ([]int64, bool) {
	v, ok := f.Value(key)
	if !ok {
		return nil, false
	}
	return ints(v.v)
}

// Floats returns an array of float32 or float64, converted to float64.
func (f *File) Floats(key string) ([]float64, bool) {
	v, ok := f.Value(key)
	if !ok {
		return nil, false
	}
	switch s := v.v.(type) {
	case []float32:
		out := make([]float64, len(s))
		for i, x := range s {
			out[i] = float64(x)
		}
		return out, true
	case []float64:
		return append([]float64(nil), s...), true
	}
	return nil, false
}

// ParseOverride parses a llama.cpp --override-kv argument, KEY=TYPE:VALUE
// with TYPE one of int, float, bool or str. int becomes an int64 value and
// float a float64; the typed accessors convert, so either width works.
func ParseOverride(s string) (key string, v Value, err error) {
	key, rest, ok := strings.Cut(s, "=")
	if !ok || key == "" {
		return "", Value{}, fmt.Errorf("gguf: override %q: want KEY=TYPE:VALUE", s)
	}
	typ, val, ok := strings.Cut(rest, ":")
	if !ok {
		return "", Value{}, fmt.Errorf("gguf: override %q: want KEY=TYPE:VALUE with TYPE int, float, bool or str", s)
	}
	switch typ {
	case "int":
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return "", Value{}, fmt.Errorf("gguf: override %q: %w", s, err)
		}
		return key, Int64(n), nil
	case "float":
		x, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return "", Value{}, fmt.Errorf("gguf: override %q: %w", s, err)
		}
		return key, Float64(x), nil
	case "bool":
		switch val {
		case "true":
			return key, Bool(true), nil
		case "false":
			return key, Bool(false), nil
		}
		return "", Value{}, fmt.Errorf("gguf: override %q: bool must be true or false", s)
	case "str":
		return key, Str(val), nil
	}
	return "", Value{}, fmt.Errorf("gguf: override %q: unknown type %q (want int, float, bool or str)", s, typ)
}
