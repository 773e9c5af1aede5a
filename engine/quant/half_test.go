package quant

import (
	"math"
	"testing"
)

// TestF16RoundTrip checks that every finite binary16 value survives
// widening and narrowing unchanged, and that NaN stays NaN.
func TestF16RoundTrip(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		f := F16ToF32(uint16(h))
		got := F32ToF16(f)
		if h&0x7c00 == 0x7c00 && h&0x3ff != 0 {
			if !math.IsNaN(float64(f)) || got&0x7c00 != 0x7c00 || got&0x3ff == 0 {
				t.Fatalf("NaN %#04x → %v → %#04x", h, f, got)
			}
			continue
		}
		if got != uint16(h) {
			t.Fatalf("%#04x → %v → %#04x", h, f, got)
		}
	}
}

// TestF16KnownValues pins the widening against values defined by IEEE 754.
func TestF16KnownValues(t *testing.T) {
	tests := []struct {
		h    uint16
		want float32
	}{
		{0x3c00, 1}, {0xc000, -2}, {0x7bff, 65504}, {0x0400, 1.0 / (1 << 14)},
		{0x0001, 1.0 / (1 << 24)}, {0x03ff, 1023.0 / (1 << 24)}, {0x3555, 0.333251953125},
		{0x7c00, float32(math.Inf(1))}, {0xfc00, float32(math.Inf(-1))}, {0x8000, float32(math.Copysign(0, -1))},
	}
	for _, tt := range tests {
		if got := F16ToF32(tt.h); math.Float32bits(got) != math.Float32bits(tt.want) {
			t.Errorf("F16ToF32(%#04x) = %v, want %v", tt.h, got, tt.want)
		}
	}
}

// TestF32ToF16Rounding checks round-to-nearest-even at every midpoint
// between adjacent binary16 values (subnormals and the overflow edge
// included), and the values one float32 ulp either side of it.
func TestF32ToF16Rounding(t *testing.T) {
	for h := uint16(0); h < 0x7c00; h++ {
		lo := F16ToF32(h)
		hiBits := h + 1
		var mid float32
		if hiBits == 0x7c00 {
			mid = 65520 // the midpoint to the next exponent step, which rounds to Inf
		} else {
			mid = (lo + F16ToF32(hiBits)) / 2
		}
		even := h
		if h&1 == 1 {
			even = hiBits
		}
		for _, sign := range []float32{1, -1} {
			s := uint16(0)
			if sign < 0 {
				s = 0x8000
			}
			if got := F32ToF16(sign * mid); got != even|s {
				t.Fatalf("F32ToF16(%v) = %#04x, want %#04x", sign*mid, got, even|s)
			}
			below := math.Nextafter32(mid, 0)
			if got := F32ToF16(sign * below); got != h|s {
				t.Fatalf("F32ToF16(%v) = %#04x, want %#04x", sign*below, got, h|s)
			}
			above := math.Nextafter32(mid, float32(math.Inf(1)))
			if got := F32ToF16(sign * above); got != hiBits|s {
				t.Fatalf("F32ToF16(%v) = %#04x, want %#04x", sign*above, got, hiBits|s)
			}
		}
	}
	if got := F32ToF16(1e-30); got != 0 {
		t.Errorf("F32ToF16(1e-30) = %#04x, want 0", got)
	}
	if got := F32ToF16(1e30); got != 0x7c00 {
		t.Errorf("F32ToF16(1e30) = %#04x, want Inf", got)
	}
}

// TestBF16 checks bfloat16 widening, round-to-nearest-even at midpoints,
// and ggml's NaN quieting.
func TestBF16(t *testing.T) {
	for b := 0; b < 1<<16; b++ {
		f := BF16ToF32(uint16(b))
		if math.IsNaN(float64(f)) {
			if got := F32ToBF16(f); got != uint16(b)|0x40 {
				t.Fatalf("NaN %#04x → %#04x, want %#04x", b, got, uint16(b)|0x40)
			}
			continue
		}
		if got := F32ToBF16(f); got != uint16(b) {
			t.Fatalf("%#04x → %v → %#04x", b, f, got)
		}
		if b&0x7fff >= 0x7f80 {
			continue
		}
		// The float32 exactly halfway to the next bfloat16 has low bits 0x8000.
		mid := math.Float32frombits(uint32(b)<<16 | 0x8000)
		want := uint16(b)
		if b&1 == 1 {
			want++
		}
		if got := F32ToBF16(mid); got != want {
			t.Fatalf("F32ToBF16(%#08x) = %#04x, want %#04x", math.Float32bits(mid), got, want)
		}
		if got := F32ToBF16(math.Float32frombits(uint32(b)<<16 | 0x7fff)); got != uint16(b) {
			t.Fatalf("below midpoint of %#04x rounded to %#04x", b, got)
		}
		if got := F32ToBF16(math.Float32frombits(uint32(b)<<16 | 0x8001)); got != uint16(b)+1 {
			t.Fatalf("above midpoint of %#04x rounded to %#04x", b, got)
		}
	}
	// A signalling NaN becomes quiet and keeps its sign.
	if got := F32ToBF16(math.Float32frombits(0xff800001)); got != 0xffc0 {
		t.Errorf("F32ToBF16(sNaN) = %#04x, want 0xffc0", got)
	}
}
