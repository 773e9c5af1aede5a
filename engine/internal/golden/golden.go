// Package golden reads the llama.cpp reference runs in the shared fixtures
// (../shared/fixtures/goldens beside the repository) for the engine's
// conformance tests.
package golden

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// ErrNoFixtures is returned by Dir when the fixtures folder is absent.
var ErrNoFixtures = errors.New("golden: ../shared/fixtures not found beside the repository")

// Dir finds the fixtures folder: shared/fixtures next to the directory that
// holds go.mod, searched upwards from the working directory.
func Dir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			fx := filepath.Join(dir, "..", "shared", "fixtures")
			if _, err := os.Stat(filepath.Join(fx, "goldens", "index.json")); err != nil {
				return "", ErrNoFixtures
			}
			return fx, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNoFixtures
		}
		dir = parent
	}
}

// Names lists the runs in goldens/index.json.
func Names(dir string) ([]string, error) {
	var idx struct {
		Goldens []string `json:"goldens"`
	}
	if err := readJSON(filepath.Join(dir, "goldens", "index.json"), &idx); err != nil {
		return nil, err
	}
	return idx.Goldens, nil
}

// Run is one llama.cpp run: its sidecar JSON and the folder it lives in.
type Run struct {
	Dir            string
	Name           string         `json:"name"`
	Model          string         `json:"model"`
	PromptIDs      []int32        `json:"prompt_ids"`
	PromptIDsFile  string         `json:"prompt_ids_file"`
	HparamOverride map[string]any `json:"hparam_overrides"`
	PromptLogits   struct {
		File          string `json:"file"`
		Shape         []int  `json:"shape"`
		FirstPosition int    `json:"first_position"`
	} `json:"prompt_logits"`
	Greedy struct {
		IDs    []int32   `json:"ids"`
		Margin []float64 `json:"top1_minus_top2_margin"`
	} `json:"greedy"`
	GenLogits struct {
		File  string `json:"file"`
		Shape []int  `json:"shape"`
	} `json:"gen_logits"`
	Activations *struct {
		File    string       `json:"file"`
		Tensors []Activation `json:"tensors"`
	} `json:"activations"`
	Compare *struct {
		Golden  string  `json:"golden"`
		Flips   [][]int `json:"routing_differs_at_layer_position"`
		MaxDiff float64 `json:"prompt_logits_max_abs_diff"`
	} `json:"compare_to_dequant_f32"`
}

// Activation describes one captured intermediate tensor.
type Activation struct {
	Label  string `json:"label"`
	Layer  *int   `json:"layer"`
	DType  string `json:"dtype"`
	NE     []int  `json:"ggml_ne"`
	Offset int64  `json:"offset_bytes"`
	Size   int64  `json:"size_bytes"`
}

// Load reads the run called name.
func Load(dir, name string) (*Run, error) {
	r := &Run{Dir: dir}
	if err := readJSON(filepath.Join(dir, "goldens", name+".json"), r); err != nil {
		return nil, err
	}
	return r, nil
}

// ModelPath returns the GGUF the run used. A "-dequant-f32" run names its
// quantized source ("(models/x.gguf dequantized to f32, not stored)").
func (r *Run) ModelPath() string {
	m := strings.TrimPrefix(r.Model, "(")
	if i := strings.IndexByte(m, ' '); i >= 0 {
		m = m[:i]
	}
	return filepath.Join(r.Dir, m)
}

// Dequantized reports whether the run is a "-dequant-f32" reference.
func (r *Run) Dequantized() bool { return strings.HasPrefix(r.Model, "(") }

// Prompt returns the prompt token ids.
func (r *Run) Prompt() ([]int32, error) {
	if r.PromptIDsFile == "" {
		return r.PromptIDs, nil
	}
	b, err := os.ReadFile(filepath.Join(r.Dir, "goldens", r.PromptIDsFile))
	if err != nil {
		return nil, err
	}
	ids := make([]int32, len(b)/4)
	for i := range ids {
		ids[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return ids, nil
}

// Overrides returns the --override-kv strings that reproduce the run's
// hparam overrides (chunk size and temperature floor), or nil.
func (r *Run) Overrides() []string {
	if r.HparamOverride == nil {
		return nil
	}
	chunk, _ := r.HparamOverride["n_swa (attention chunk size)"].(float64)
	floor, _ := r.HparamOverride["n_attn_temp_floor_scale"].(float64)
	scale, _ := r.HparamOverride["f_attn_temp_scale"].(float64)
	offset, _ := r.HparamOverride["f_attn_temp_offset"].(float64)
	return []string{
		fmt.Sprintf("llama4.attention.chunk_size=int:%d", int(chunk)),
		fmt.Sprintf("llama4.attention.temperature_tuning.floor_scale=int:%d", int(floor)),
		fmt.Sprintf("llama4.attention.temperature_tuning.scale=float:%g", scale),
		fmt.Sprintf("llama4.attention.temperature_tuning.offset=float:%g", offset),
	}
}

// ReadPromptLogits returns the prompt logits, row-major [positions, vocab].
func (r *Run) ReadPromptLogits() ([]float32, error) {
	return readF32(filepath.Join(r.Dir, "goldens", r.PromptLogits.File), 0, -1)
}

// ReadGenLogits returns the logits of the greedy steps, [16, vocab].
func (r *Run) ReadGenLogits() ([]float32, error) {
	return readF32(filepath.Join(r.Dir, "goldens", r.GenLogits.File), 0, -1)
}

// ReadActivation returns the values of one captured tensor (int32 tensors
// converted to float32).
func (r *Run) ReadActivation(a Activation) ([]float32, error) {
	path := filepath.Join(r.Dir, "goldens", r.Activations.File)
	v, err := readF32(path, a.Offset, a.Size)
	if err != nil || a.DType != "int32" {
		return v, err
	}
	for i, x := range v {
		v[i] = float32(int32(math.Float32bits(x)))
	}
	return v, nil
}

func readF32(path string, off, size int64) ([]float32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if size < 0 {
		size = int64(len(b)) - off
	}
	if off+size > int64(len(b)) {
		return nil, fmt.Errorf("golden: %s: range %d+%d beyond %d bytes", path, off, size, len(b))
	}
	b = b[off : off+size]
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("golden: %s: %w", path, err)
	}
	return nil
}
