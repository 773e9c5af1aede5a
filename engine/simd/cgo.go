//go:build cgo

package simd

/*
#cgo CFLAGS: -O2
#include "kernels.h"
*/
import "C"

import (
	"unsafe"

	"hearth/engine/quant"
)

func availableMask() int { return int(C.hearth_variants()) }

func bytePtr(b []byte) *C.uint8_t { return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b))) }

// kernelMatMul runs the C kernel; it reports false when the variant has no
// kernel for t. The sizes have been checked by the caller.
func kernelMatMul(v variant, t quant.Type, n int, w []byte, rowBytes, rows int, acts []byte, actStride, nTok int, out []float32, outStride int) bool {
	if v == variantGeneric {
		return false
	}
	rc := C.hearth_matmul(C.int(v), C.int(t), C.int(n), bytePtr(w), C.size_t(rowBytes), C.int(rows),
		bytePtr(acts), C.size_t(actStride), C.int(nTok),
		(*C.float)(unsafe.Pointer(unsafe.SliceData(out))), C.size_t(outStride))
	return rc == 0
}

// kernelQuantize runs the C activation quantizer; false when there is none.
func kernelQuantize(v variant, t quant.Type, src []float32, dst []byte) bool {
	if v == variantGeneric {
		return false
	}
	rc := C.hearth_quantize(C.int(v), C.int(t), (*C.float)(unsafe.Pointer(unsafe.SliceData(src))), bytePtr(dst), C.int(len(src)))
	return rc == 0
}

// streamRead reads all of p (a multiple of 8 bytes) with the widest vector
// loads that the variants in mask (availableMask's bits) allow.
func streamRead(p []byte, mask int) uint64 {
	return uint64(C.hearth_stream_read(bytePtr(p), C.size_t(len(p)), C.int(mask)))
}
