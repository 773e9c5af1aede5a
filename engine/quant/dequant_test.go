package quant

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

// specValue computes element i of a block straight from the formulas of
// the spec (docs/llama4-spec.md §2.1), one element at a time, with the
// float32 operations in the order ggml's to_float performs them so the
// result must match bit for bit.
func specValue(t Type, b []byte, i int) float32 {
	f16 := func(off int) float32 { return F16ToF32(binary.LittleEndian.Uint16(b[off:])) }
	nib := func(qs []byte, i int) int32 { // Q4_0 order: low nibbles first half
		if i < 16 {
			return int32(qs[i] & 0xf)
		}
		return int32(qs[i-16] >> 4)
	}
	q5 := func(qs []byte, qh uint32, i int) int32 {
		return nib(qs, i) | int32((qh>>i)&1)<<4
	}
	k := [16]int32{-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113}
	switch t {
	case Q4_0:
		return float32(nib(b[2:], i)-8) * f16(0)
	case Q4_1:
		return float32(float32(nib(b[4:], i))*f16(0)) + f16(2)
	case Q5_0:
		return float32(q5(b[6:], binary.LittleEndian.Uint32(b[2:]), i)-16) * f16(0)
	case Q5_1:
		return float32(float32(q5(b[8:], binary.LittleEndian.Uint32(b[4:]), i))*f16(0)) + f16(2)
	case Q8_0:
		return float32(int8(b[2+i])) * f16(0)
	case IQ4_NL:
		return f16(0) * float32(k[nib(b[2:], i)])
	case Q2_K:
		h, j, p, tt := i/128, i%128/32, i%32/16, i%16
		q := (b[16+32*h+16*p+tt] >> (2 * j)) & 3
		s := b[8*h+2*j+p]
		return float32(float32(f16(80)*float32(s&0xf))*float32(q)) - float32(f16(82)*float32(s>>4))
	case Q3_K:
		h, j, p, tt := i/128, i%128/32, i%32/16, i%16
		kk := 8*h + 2*j + p
		sc := b[96:108]
		var lo4 byte
		if kk < 8 {
			lo4 = sc[kk] & 0xf
		} else {
			lo4 = sc[kk-8] >> 4
		}
		hi2 := (sc[8+kk%4] >> (2 * (kk / 4))) & 3
		S := int32(lo4|hi2<<4) - 32
		q := int32((b[32+32*h+16*p+tt] >> (2 * j)) & 3)
		if (b[16*p+tt]>>(4*h+j))&1 == 0 {
			q -= 4
		}
		return float32(f16(108)*float32(S)) * float32(q)
	case Q4_K, Q5_K:
		g, hiHalf, tt := i/64, i%64/32, i%32
		sub := 2*g + hiHalf
		s := b[4:16]
		var sc, m byte
		if sub < 4 {
			sc, m = s[sub]&63, s[sub+4]&63
		} else {
			sc = s[sub+4]&0xf | (s[sub-4]>>6)<<4
			m = s[sub+4]>>4 | (s[sub]>>6)<<4
		}
		qsOff := 16
		if t == Q5_K {
			qsOff = 48
		}
		q := int32(b[qsOff+32*g+tt] & 0xf)
		if hiHalf == 1 {
			q = int32(b[qsOff+32*g+tt] >> 4)
		}
		if t == Q5_K {
			q += 16 * int32((b[16+tt]>>(2*g+hiHalf))&1)
		}
		return float32(float32(f16(0)*float32(sc))*float32(q)) - float32(f16(2)*float32(m))
	case Q6_K:
		h, r := i/128, i%128
		quarter, tt := r/32, r%32
		L, H := b[64*h:], b[128+32*h:]
		var lo byte
		switch quarter {
		case 0:
			lo = L[tt] & 0xf
		case 1:
			lo = L[tt+32] & 0xf
		case 2:
			lo = L[tt] >> 4
		case 3:
			lo = L[tt+32] >> 4
		}
		v := int32(lo|((H[tt]>>(2*quarter))&3)<<4) - 32
		scale := int8(b[192+8*h+tt/16+2*quarter])
		return float32(f16(208)*float32(scale)) * float32(v)
	case IQ4_XS:
		sb, r := i/32, i%32
		ls := int32(b[4+sb/2]>>(4*(sb%2)))&0xf | int32((binary.LittleEndian.Uint16(b[2:])>>(2*sb))&3)<<4
		dl := float32(f16(0) * float32(ls-32))
		qs := b[8+16*sb:]
		c := qs[r%16] & 0xf
		if r >= 16 {
			c = qs[r%16] >> 4
		}
		return dl * float32(k[c])
	case F32:
		return math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	case F16:
		return f16(2 * i)
	case BF16:
		return math.Float32frombits(uint32(binary.LittleEndian.Uint16(b[2*i:])) << 16)
	}
	panic("specValue: no formula for " + t.String())
}

// TestDequantizeMatchesSpec compares every type's Dequantize with the
// element-by-element spec formulas on random blocks, bit for bit.
func TestDequantizeMatchesSpec(t *testing.T) {
	for _, typ := range weightTypes {
		t.Run(typ.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(typ)))
			l := layouts[typ]
			n := 8 * 256
			w := randomWeights(rng, typ, n)
			got := make([]float32, n)
			if err := Dequantize(typ, w, got); err != nil {
				t.Fatal(err)
			}
			for i := range got {
				var want float32
				if l.BlockElems == 1 {
					want = specValue(typ, w, i)
				} else {
					blk := i / l.BlockElems
					want = specValue(typ, w[blk*l.BlockBytes:(blk+1)*l.BlockBytes], i%l.BlockElems)
				}
				if math.Float32bits(got[i]) != math.Float32bits(want) {
					t.Fatalf("element %d: got %v (%#08x), spec formula gives %v (%#08x)",
						i, got[i], math.Float32bits(got[i]), want, math.Float32bits(want))
				}
			}
		})
	}
}

// TestDequantizeErrors checks that malformed sizes are reported, not
// panicked on.
func TestDequantizeErrors(t *testing.T) {
	tests := []struct {
		name string
		typ  Type
		src  int
		dst  int
	}{
		{"partial block", Q4_K, 144, 128},
		{"short source", Q8_0, 33, 32},
		{"long source", F16, 10, 4},
		{"unsupported type", IQ2_XXS, 66, 256},
		{"unknown type", Type(4), 18, 32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Dequantize(tt.typ, make([]byte, tt.src), make([]float32, tt.dst)); err == nil {
				t.Errorf("Dequantize(%s, %d bytes, %d elems) succeeded", tt.typ, tt.src, tt.dst)
			}
		})
	}
}
