package gguf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"hearth/engine/quant"
)

// validFile builds a small, valid GGUF file in memory.
func validFile(t testing.TB) []byte {
	t.Helper()
	w := NewWriter()
	w.Set("general.architecture", Str("llama"))
	w.Set("llama.block_count", Uint32(1))
	w.Set("tokenizer.ggml.tokens", Array(TypeString, []string{"a", "b"}))
	if err := w.AddTensor("x.weight", quant.F32, []int64{4, 2}, make([]byte, 32)); err != nil {
		t.Fatal(err)
	}
	if err := w.AddTensor("q.weight", quant.Q8_0, []int64{32, 1}, make([]byte, 34)); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// header offsets in validFile's layout
const (
	offVersion  = 4
	offNTensors = 8
	offNKV      = 16
	offFirstKey = 24
)

func parseBytes(b []byte) error {
	_, err := parsePart("test.gguf", b)
	return err
}

func TestMalformedInputs(t *testing.T) {
	good := validFile(t)
	if err := parseBytes(good); err != nil {
		t.Fatalf("valid file rejected: %v", err)
	}
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	le := binary.LittleEndian
	// Offsets into the first tensor info: after the KV section.
	firstInfo := bytes.Index(good, []byte("x.weight")) - 8
	typeOff := firstInfo + 8 + len("x.weight") + 4 + 2*8
	offsetOff := typeOff + 4
	dimOff := firstInfo + 8 + len("x.weight") + 4

	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "end of file"},
		{"bad magic", edit(func(b []byte) []byte { copy(b, "GGML"); return b }), "not a GGUF file"},
		{"version 1", edit(func(b []byte) []byte { le.PutUint32(b[offVersion:], 1); return b }), "unsupported GGUF version 1"},
		{"big endian", edit(func(b []byte) []byte { le.PutUint32(b[offVersion:], 3<<24); return b }), "byte-swapped"},
		{"truncated header", good[:20], "end of file"},
		{"truncated data", good[:len(good)-40], "past the end"},
		{"huge tensor count", edit(func(b []byte) []byte { le.PutUint64(b[offNTensors:], 1<<62); return b }), "cannot fit"},
		{"huge kv count", edit(func(b []byte) []byte { le.PutUint64(b[offNKV:], 1<<40); return b }), "cannot fit"},
		{"huge key length", edit(func(b []byte) []byte { le.PutUint64(b[offFirstKey:], 1<<63); return b }), "cannot fit"},
		{"duplicate key", edit(func(b []byte) []byte {
			i := bytes.Index(b, []byte("llama.block_count"))
			copy(b[i:], "general.architectur")
			return b
		}), ""},
		{"duplicate tensor", edit(func(b []byte) []byte {
			i := bytes.Index(b, []byte("q.weight"))
			copy(b[i:], "x.weight")
			return b
		}), "duplicate tensor"},
		{"unknown tensor type", edit(func(b []byte) []byte { le.PutUint32(b[typeOff:], 4); return b }), "unknown or retired tensor type 4"},
		{"misaligned offset", edit(func(b []byte) []byte { le.PutUint64(b[offsetOff:], 3); return b }), "not a multiple of the alignment"},
		{"offset past end", edit(func(b []byte) []byte { le.PutUint64(b[offsetOff:], 1<<40); return b }), "past the end"},
		{"overflowing shape", edit(func(b []byte) []byte {
			le.PutUint64(b[dimOff:], 1<<40)
			le.PutUint64(b[dimOff+8:], 1<<40)
			return b
		}), "overflow"},
		{"negative dim", edit(func(b []byte) []byte { le.PutUint64(b[dimOff:], 1<<63); return b }), "negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := parseBytes(tc.data)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), "test.gguf") {
				t.Errorf("error does not name the file: %v", err)
			}
			if tc.want != "" && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestDuplicateKeyRejected(t *testing.T) {
	w := NewWriter()
	w.Set("a", Uint32(1))
	w.Set("b", Uint32(2))
	var b bytes.Buffer
	w.WriteTo(&b)
	data := bytes.Replace(b.Bytes(), []byte{1, 0, 0, 0, 0, 0, 0, 0, 'b'}, []byte{1, 0, 0, 0, 0, 0, 0, 0, 'a'}, 1)
	err := parseBytes(data)
	if err == nil || !strings.Contains(err.Error(), `duplicate metadata key "a"`) {
		t.Fatalf("got %v", err)
	}
}

func TestTruncationIsErrTruncated(t *testing.T) {
	good := validFile(t)
	p, err := parsePart("good", good)
	if err != nil {
		t.Fatal(err)
	}
	last := p.tensors[len(p.tensors)-1].Data
	dataEnd := uintptrOffset(good, last) + len(last)
	for n := 0; n < dataEnd; n += 7 {
		err := parseBytes(good[:n])
		if err == nil {
			t.Fatalf("prefix of %d bytes accepted", n)
		}
		if !errors.Is(err, errTruncated) && !strings.Contains(err.Error(), "not a GGUF") {
			t.Errorf("prefix %d: %v", n, err)
		}
	}
}

func TestOpenErrorsNameFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.gguf")
	os.WriteFile(path, []byte("GGUF\x03\x00\x00\x00"), 0o644)
	_, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("got %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing.gguf")); err == nil {
		t.Fatal("missing file opened")
	}
}

func TestAlignmentKey(t *testing.T) {
	w := NewWriter()
	w.Set(alignmentKey, Uint32(64))
	w.AddTensor("a", quant.F32, []int64{3}, make([]byte, 12))
	w.AddTensor("b", quant.F32, []int64{5}, []byte("0123456789abcdefghij"))
	path := filepath.Join(t.TempDir(), "a.gguf")
	if err := w.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Alignment != 64 {
		t.Fatalf("alignment %d", f.Alignment)
	}
	b, _ := f.Tensor("b")
	if string(b.Data) != "0123456789abcdefghij" {
		t.Fatalf("b = %q", b.Data)
	}
	w.Set(alignmentKey, Uint32(48))
	var buf bytes.Buffer
	w.WriteTo(&buf)
	if err := parseBytes(buf.Bytes()); err == nil || !strings.Contains(err.Error(), "power of two") {
		t.Fatalf("alignment 48: %v", err)
	}
}

// uintptrOffset returns where sub starts inside buf.
func uintptrOffset(buf, sub []byte) int {
	return int(uintptr(unsafe.Pointer(&sub[0])) - uintptr(unsafe.Pointer(&buf[0])))
}
