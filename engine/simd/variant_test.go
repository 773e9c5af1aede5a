package simd

import (
	"slices"
	"testing"
)

func TestVariants(t *testing.T) {
	v := Variants()
	if len(v) == 0 || v[len(v)-1] != "generic" {
		t.Fatalf("Variants() = %v, want generic last", v)
	}
	if !slices.Contains(v, Kernel()) {
		t.Fatalf("Kernel() = %q is not among %v", Kernel(), v)
	}
	if err := SetVariant("amx"); err == nil {
		t.Fatal("SetVariant(amx) succeeded")
	}
}

func TestNewDispatcherHonoursEnvironment(t *testing.T) {
	mask := 1<<variantGeneric | 1<<variantAVX2
	tests := []struct {
		env  string
		want variant
	}{
		{"", variantAVX2},
		{"generic", variantGeneric},
		{" avx2 ", variantAVX2},
		{"avx512", variantAVX2}, // not available: the best one is kept
		{"bogus", variantAVX2},
	}
	for _, tc := range tests {
		if got := newDispatcher(mask, tc.env).current(); got != tc.want {
			t.Errorf("HEARTH_KERNELS=%q: got %s, want %s", tc.env, variantNames[got], variantNames[tc.want])
		}
	}
}

func TestMeasureBandwidth(t *testing.T) {
	if gbs := MeasureBandwidth(1<<20, 2); !(gbs > 0) {
		t.Fatalf("MeasureBandwidth = %g, want > 0", gbs)
	}
}
