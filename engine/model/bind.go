package model

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"hearth/engine/cpu"
	"hearth/engine/gguf"
	"hearth/engine/quant"
)

// Experts is a stack of Count expert matrices of PerExpert rows each, stored
// as one 3-D GGUF tensor [cols, PerExpert, Count].
type Experts struct {
	cpu.Matrix
	PerExpert int
	Count     int
}

// Expert returns expert e's matrix (a view; no copy).
func (x Experts) Expert(e int) cpu.Matrix {
	return x.Block(e*x.PerExpert, (e+1)*x.PerExpert)
}

var (
	matrixType  = reflect.TypeFor[cpu.Matrix]()
	expertsType = reflect.TypeFor[Experts]()
	vectorType  = reflect.TypeFor[[]float32]()
)

// bind fills the tagged fields of the struct dst points to from the tensors
// named prefix+tag+".weight", checking each shape against the tag's symbolic
// dims. Tags:
//
//	gguf:"attn_q"   the tensor name inside the prefix
//	shape:"E,HD"    ggml dims, each a symbol of dims
//	when:"moe"      bound only on MoE layers ("dense": only on dense layers;
//	                "opt": may be absent)
func bind(f *gguf.File, prefix string, dst any, dims map[string]int, moe bool) error {
	v := reflect.ValueOf(dst).Elem()
	st := v.Type()
	for i := 0; i < st.NumField(); i++ {
		sf := st.Field(i)
		tag, ok := sf.Tag.Lookup("gguf")
		if !ok {
			continue
		}
		name := prefix + tag + ".weight"
		when := sf.Tag.Get("when")
		t, found := f.Tensor(name)
		wanted := when == "" || when == "opt" || (when == "moe") == moe
		switch {
		case found && !wanted:
			return fmt.Errorf("model: %s: tensor %s is not expected on a %s layer", f.Path, name, layerKind(moe))
		case !found && wanted && when != "opt":
			return fmt.Errorf("model: %s: tensor %s is missing", f.Path, name)
		case !found:
			continue
		}
		want, err := shapeOf(sf.Tag.Get("shape"), dims)
		if err != nil {
			return fmt.Errorf("model: field %s: %w", sf.Name, err)
		}
		if !slices.Equal(t.Dims, want) {
			return fmt.Errorf("model: %s: tensor %s has shape %v, want %v", f.Path, name, t.Dims, want)
		}
		if err := setField(v.Field(i), t); err != nil {
			return fmt.Errorf("model: %s: tensor %s: %w", f.Path, name, err)
		}
	}
	return nil
}

func layerKind(moe bool) string {
	if moe {
		return "MoE"
	}
	return "dense"
}

func shapeOf(spec string, dims map[string]int) ([]int64, error) {
	var out []int64
	for _, sym := range strings.Split(spec, ",") {
		n, ok := dims[sym]
		if !ok {
			return nil, fmt.Errorf("unknown dim %q in shape %q", sym, spec)
		}
		out = append(out, int64(n))
	}
	return out, nil
}

func setField(fv reflect.Value, t *gguf.Tensor) error {
	switch fv.Type() {
	case vectorType:
		data, err := t.F32()
		if err != nil {
			return err
		}
		fv.Set(reflect.ValueOf(data))
	case matrixType, expertsType:
		if t.Type != quant.F32 && !quant.Supported(t.Type) {
			return fmt.Errorf("%s is not supported", t.Type)
		}
		rows := int(t.Rows())
		m, err := cpu.NewMatrix(t.Type, int(t.Dims[0]), rows, t.Data)
		if err != nil {
			return err
		}
		if fv.Type() == matrixType {
			fv.Set(reflect.ValueOf(m))
			return nil
		}
		fv.Set(reflect.ValueOf(Experts{Matrix: m, PerExpert: int(t.Dims[1]), Count: int(t.Dims[2])}))
	default:
		return fmt.Errorf("field type %s cannot hold a tensor", fv.Type())
	}
	return nil
}
