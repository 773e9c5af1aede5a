package vision

import (
	"path/filepath"
	"strings"
	"testing"

	"hearth/engine/gguf"
	"hearth/engine/quant"
)

// rewrite copies the fixture mmproj into a new file, passing every
// metadata value through key (return false to drop it) and every tensor
// through tensor (return false to drop it), and returns the new path.
func rewrite(t *testing.T, dir string,
	key func(k string, v gguf.Value) (gguf.Value, bool),
	tensor func(tt *gguf.Tensor) (typ quant.Type, dims []int64, data []byte, keep bool),
) string {
	t.Helper()
	src, err := gguf.Open(filepath.Join(dir, "tiny-llama4-mmproj-f32.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	w := gguf.NewWriter()
	for _, k := range src.Keys() {
		v, _ := src.Value(k)
		if key != nil {
			var keep bool
			if v, keep = key(k, v); !keep {
				continue
			}
		}
		w.Set(k, v)
	}
	for _, tt := range src.Tensors() {
		typ, dims, data, keep := tt.Type, tt.Dims, tt.Data, true
		if tensor != nil {
			typ, dims, data, keep = tensor(tt)
		}
		if !keep {
			continue
		}
		if err := w.AddTensor(tt.Name, typ, dims, data); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "variant.gguf")
	if err := w.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadRejectsBadFiles(t *testing.T) {
	dir := fixtureDir(t)
	setKey := func(name string, val gguf.Value) func(string, gguf.Value) (gguf.Value, bool) {
		return func(k string, v gguf.Value) (gguf.Value, bool) {
			if k == name {
				return val, true
			}
			return v, true
		}
	}
	dropKey := func(name string) func(string, gguf.Value) (gguf.Value, bool) {
		return func(k string, v gguf.Value) (gguf.Value, bool) { return v, k != name }
	}
	dropTensor := func(name string) func(*gguf.Tensor) (quant.Type, []int64, []byte, bool) {
		return func(tt *gguf.Tensor) (quant.Type, []int64, []byte, bool) {
			return tt.Type, tt.Dims, tt.Data, tt.Name != name
		}
	}
	transposed := func(name string) func(*gguf.Tensor) (quant.Type, []int64, []byte, bool) {
		return func(tt *gguf.Tensor) (quant.Type, []int64, []byte, bool) {
			if tt.Name == name {
				return tt.Type, []int64{tt.Dims[1], tt.Dims[0]}, tt.Data, true
			}
			return tt.Type, tt.Dims, tt.Data, true
		}
	}
	tests := []struct {
		name   string
		key    func(string, gguf.Value) (gguf.Value, bool)
		tensor func(*gguf.Tensor) (quant.Type, []int64, []byte, bool)
		want   string
	}{
		{"text model arch", setKey("general.architecture", gguf.Str("llama4")), nil, `want "clip"`},
		{"other projector", setKey("clip.projector_type", gguf.Str("mlp")), nil, `want "llama4"`},
		{"no vision encoder", setKey("clip.has_vision_encoder", gguf.Bool(false)), nil, "has_vision_encoder"},
		{"no gelu", setKey("clip.use_gelu", gguf.Bool(false)), nil, "use_gelu"},
		{"missing block count", dropKey("clip.vision.block_count"), nil, "clip.vision.block_count"},
		{"missing epsilon", dropKey("clip.vision.attention.layer_norm_epsilon"), nil, "layer_norm_epsilon"},
		{"odd head size", setKey("clip.vision.attention.head_count", gguf.Uint32(8)), nil, "divisible by 4"},
		{"patch does not divide", setKey("clip.vision.patch_size", gguf.Uint32(15)), nil, "not a multiple"},
		{"short mean", setKey("clip.vision.image_mean", gguf.Array(gguf.TypeFloat32, []float32{0.5})), nil, "image_mean"},
		{"zero std", setKey("clip.vision.image_std", gguf.Array(gguf.TypeFloat32, []float32{0.5, 0, 0.5})), nil, "image_std[1]"},
		{"more layers than tensors", setKey("clip.vision.block_count", gguf.Uint32(3)), nil, `"v.blk.2.ln1.weight"`},
		{"missing projector", nil, dropTensor("mm.model.fc.weight"), `"mm.model.fc.weight"`},
		{"missing class embedding", nil, dropTensor("v.class_embd"), `"v.class_embd"`},
		{"transposed ffn_up", nil, transposed("v.blk.1.ffn_up.weight"), `"v.blk.1.ffn_up.weight" has shape [128 48]`},
		{"adapter width mismatch", nil, transposed("mm.model.mlp.2.weight"), `"mm.model.mlp.2.weight" has shape`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := rewrite(t, dir, tt.key, tt.tensor)
			p, err := Load(path)
			if err == nil {
				p.Close()
				t.Fatal("loaded without error")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q: want it to name the file and mention %q", err, tt.want)
			}
		})
	}
	if _, err := Load(filepath.Join(dir, "no-such-file.gguf")); err == nil {
		t.Error("Load of a missing file: no error")
	}
}

// TestQuantizedWeights stores the fixture's matrices as F16 or Q8_0 (as real
// mmproj files are) and checks the embeddings stay close to llama.cpp's F32
// goldens; the allowance covers the weights' own rounding.
func TestQuantizedWeights(t *testing.T) {
	dir := fixtureDir(t)
	g := loadGolden(t, dir, "gradient-336x336")
	want := readF32(t, filepath.Join(dir, "goldens", g.Embeddings.File))
	tiles := readF32(t, filepath.Join(dir, "goldens", g.Tiles.File))
	tests := []struct {
		typ      quant.Type
		matrices int // how many of the fixture's matrices have rows of whole blocks
		tol      float64
	}{
		{quant.F16, 16, 1e-2},
		{quant.BF16, 16, 5e-2},
		{quant.Q8_0, 4, 6e-2},
	}
	for _, tt := range tests {
		t.Run(tt.typ.String(), func(t *testing.T) {
			converted := 0
			path := rewrite(t, dir, nil, func(ts *gguf.Tensor) (quant.Type, []int64, []byte, bool) {
				l, _ := quant.LayoutOf(tt.typ)
				if len(ts.Dims) != 2 || ts.Name == "v.position_embd.weight" || ts.Dims[0]%int64(l.BlockElems) != 0 {
					return ts.Type, ts.Dims, ts.Data, true
				}
				src, err := ts.F32()
				if err != nil {
					t.Fatal(err)
				}
				n, _ := quant.RowBytes(tt.typ, int(ts.Dims[0]))
				data := make([]byte, n*int(ts.Dims[1]))
				if err := quant.Quantize(tt.typ, src, data); err != nil {
					t.Fatal(err)
				}
				converted++
				return tt.typ, ts.Dims, data, true
			})
			p, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			rows, err := p.Encode(&Image{Tiles: [][]float32{tiles}, TileSize: 336})
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for r, row := range rows {
				d, _ := maxAbsDiff(row, want[r*64:(r+1)*64])
				worst = max(worst, d)
			}
			t.Logf("%d matrices as %s: embeddings max |Δ| vs llama.cpp F32 = %.3g", converted, tt.typ, worst)
			if converted != tt.matrices || worst > tt.tol {
				t.Errorf("%d matrices converted (want %d); max |Δ| %g exceeds %g", converted, tt.matrices, worst, tt.tol)
			}
		})
	}
}
