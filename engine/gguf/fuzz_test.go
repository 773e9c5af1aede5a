package gguf

import (
	"bytes"
	"path/filepath"
	"testing"
)

// shrunkCopy re-encodes the model at path keeping its metadata, with arrays
// cut to 16 elements, and only the tensors of at most maxBytes. Small seeds
// keep the fuzzer fast: it minimizes every new input, which is slow on big ones.
func shrunkCopy(path string, maxBytes int) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	w := NewWriter()
	for _, k := range f.Keys() {
		v, _ := f.Value(k)
		if v.Type == TypeArray {
			v = cutArray(v, 16)
		}
		w.Set(k, v)
	}
	for _, t := range f.Tensors() {
		if len(t.Data) <= maxBytes {
			if err := w.AddTensor(t.Name, t.Type, t.Dims, t.Data); err != nil {
				return nil, err
			}
		}
	}
	var b bytes.Buffer
	_, err = w.WriteTo(&b)
	return b.Bytes(), err
}

// FuzzParse feeds arbitrary bytes to the header parser. It must return an
// error or a file whose tensor views lie inside the input, never panic.
func FuzzParse(f *testing.F) {
	// Seeds: each fixture's real metadata (tokenizer arrays included) with
	// only its small tensors, so that inputs stay a few KB and fuzzing is fast.
	paths, _ := filepath.Glob(filepath.Join(fixturesDir, "models", "*.gguf"))
	for _, p := range paths {
		if seed, err := shrunkCopy(p, 4096); err == nil {
			f.Add(seed)
		}
	}
	f.Add(validFile(f))
	f.Add([]byte("GGUF\x03\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parsePart("fuzz.gguf", data)
		if err != nil {
			return
		}
		for _, tn := range p.tensors {
			if int64(len(tn.Data)) > int64(len(data)) {
				t.Fatalf("tensor %q view of %d bytes in %d-byte input", tn.Name, len(tn.Data), len(data))
			}
			_ = tn.Rows()
		}
	})
}

// cutArray keeps the first n elements of an array value.
func cutArray(v Value, n int) Value {
	switch s := v.Any().(type) {
	case []string:
		return Array(v.ElemType, s[:min(n, len(s))])
	case []int32:
		return Array(v.ElemType, s[:min(n, len(s))])
	case []float32:
		return Array(v.ElemType, s[:min(n, len(s))])
	}
	return v
}
