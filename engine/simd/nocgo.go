//go:build !cgo

package simd

import (
	"encoding/binary"

	"hearth/engine/quant"
)

func availableMask() int { return 1 << variantGeneric }

func kernelMatMul(variant, quant.Type, int, []byte, int, int, []byte, int, int, []float32, int) bool {
	return false
}

func kernelQuantize(variant, quant.Type, []float32, []byte) bool { return false }

func streamRead(p []byte, _ int) uint64 {
	var s0, s1, s2, s3 uint64
	i := 0
	for ; i+32 <= len(p); i += 32 {
		s0 ^= binary.LittleEndian.Uint64(p[i:])
		s1 ^= binary.LittleEndian.Uint64(p[i+8:])
		s2 ^= binary.LittleEndian.Uint64(p[i+16:])
		s3 ^= binary.LittleEndian.Uint64(p[i+24:])
	}
	for ; i+8 <= len(p); i += 8 {
		s0 ^= binary.LittleEndian.Uint64(p[i:])
	}
	return s0 ^ s1 ^ s2 ^ s3
}
