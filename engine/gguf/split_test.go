package gguf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hearth/engine/quant"
)

// writeSplit writes a model as n parts the way gguf-split lays them out:
// the model KV in part 1, split.* keys in every part.
func writeSplit(t *testing.T, dir string, n int, tensorsPerPart int) string {
	t.Helper()
	for i := 0; i < n; i++ {
		w := NewWriter()
		if i == 0 {
			w.Set("general.architecture", Str("llama"))
		}
		w.Set("split.no", Uint16(uint16(i)))
		w.Set("split.count", Uint16(uint16(n)))
		w.Set("split.tensors.count", Int32(int32(n*tensorsPerPart)))
		for j := 0; j < tensorsPerPart; j++ {
			name := "t" + string(rune('a'+i)) + string(rune('0'+j))
			data := []byte(strings.Repeat(string(rune('A'+i)), 8))
			if err := w.AddTensor(name, quant.F32, []int64{2}, data); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.WriteFile(filepath.Join(dir, partName("m", i+1, n))); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, partName("m", 1, n))
}

func partName(prefix string, i, n int) string {
	return prefix + "-" + pad5(i) + "-of-" + pad5(n) + ".gguf"
}

func pad5(i int) string {
	s := "0000" + string(rune('0'+i))
	return s[len(s)-5:]
}

func TestSplitModelOpensAsOne(t *testing.T) {
	dir := t.TempDir()
	first := writeSplit(t, dir, 3, 2)
	f, err := Open(first)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if len(f.Tensors()) != 6 || len(f.Parts()) != 3 {
		t.Fatalf("%d tensors in %d parts", len(f.Tensors()), len(f.Parts()))
	}
	tc, ok := f.Tensor("tc1")
	if !ok || string(tc.Data) != "CCCCCCCC" {
		t.Fatalf("tensor from part 3: %v %q", ok, tc.Data)
	}
	if f.Arch() != "llama" {
		t.Fatalf("arch %q", f.Arch())
	}
}

func TestSplitModelErrors(t *testing.T) {
	dir := t.TempDir()
	first := writeSplit(t, dir, 3, 1)
	if _, err := Open(filepath.Join(dir, partName("m", 2, 3))); err == nil || !strings.Contains(err.Error(), "open part 1") {
		t.Errorf("opening part 2: %v", err)
	}
	os.Remove(filepath.Join(dir, partName("m", 3, 3)))
	if _, err := Open(first); err == nil || !strings.Contains(err.Error(), partName("m", 3, 3)) {
		t.Errorf("missing part: %v", err)
	}
}
