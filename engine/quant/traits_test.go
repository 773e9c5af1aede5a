package quant

import "testing"

// TestTraitsTable checks each row against the layout table and the
// activation pairing of spec §2.3, and that every activation type can be
// produced and read back.
func TestTraitsTable(t *testing.T) {
	tests := []struct {
		typ Type
		dot Type
	}{
		{F32, F32}, {F16, F16}, {BF16, BF16},
		{Q4_0, Q8_0}, {Q5_0, Q8_0}, {Q8_0, Q8_0}, {IQ4_NL, Q8_0},
		{Q4_1, Q8_1}, {Q5_1, Q8_1},
		{Q2_K, Q8_K}, {Q3_K, Q8_K}, {Q4_K, Q8_K}, {Q5_K, Q8_K}, {Q6_K, Q8_K}, {IQ4_XS, Q8_K},
	}
	for _, tt := range tests {
		t.Run(tt.typ.String(), func(t *testing.T) {
			tr, ok := TraitsOf(tt.typ)
			if !ok || !Supported(tt.typ) {
				t.Fatalf("%s not supported", tt.typ)
			}
			l, _ := LayoutOf(tt.typ)
			if tr.Name != l.Name || tr.BlockElems != l.BlockElems || tr.BlockBytes != l.BlockBytes {
				t.Errorf("traits %+v disagree with layout %+v", tr, l)
			}
			if tr.VecDotType != tt.dot || VecDotType(tt.typ) != tt.dot {
				t.Errorf("vec_dot type %s, want %s", tr.VecDotType, tt.dot)
			}
			at, ok := TraitsOf(tt.dot)
			if !ok || at.Quantize == nil || at.Dequantize == nil {
				t.Errorf("activation type %s cannot be produced and read", tt.dot)
			}
			if qk := max(tr.BlockElems, at.BlockElems); qk%tr.BlockElems != 0 || qk%at.BlockElems != 0 {
				t.Errorf("blocks of %s and %s do not align", tt.typ, tt.dot)
			}
		})
	}
	for _, typ := range []Type{Q8_1, Q8_K, IQ2_XXS, IQ1_S, IQ3_S, TQ1_0, MXFP4, I8, F64, Type(4), Type(1000)} {
		if Supported(typ) {
			t.Errorf("Supported(%s) = true", typ)
		}
	}
}
