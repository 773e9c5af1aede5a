//go:build cgo

// The cgo side of the model-level kernels (attention over an f16 cache,
// SwiGLU), which exist for x86 only.

package simd

/*
#cgo LDFLAGS: -lm
#include <stddef.h>
#include <stdint.h>
int hearth_attend_f16(int variant, const float *q, int g, int hd, const uint16_t *keys, const uint16_t *vals,
		      size_t stride, int nkeys, float scale, float *scores, float *out);
int hearth_swiglu(int variant, float *gate, const float *up, int n);
*/
import "C"

import "unsafe"

// kernelAttendF16 runs the C attention kernel; false when the variant has
// none. The sizes have been checked by the caller.
func kernelAttendF16(v variant, q []float32, g, hd int, keys, vals []uint16, stride, nKeys int, scale float32, scores, out []float32) bool {
	if v == variantGeneric {
		return false
	}
	rc := C.hearth_attend_f16(C.int(v), (*C.float)(unsafe.Pointer(unsafe.SliceData(q))), C.int(g), C.int(hd),
		(*C.uint16_t)(unsafe.Pointer(unsafe.SliceData(keys))), (*C.uint16_t)(unsafe.Pointer(unsafe.SliceData(vals))),
		C.size_t(stride), C.int(nKeys), C.float(scale),
		(*C.float)(unsafe.Pointer(unsafe.SliceData(scores))), (*C.float)(unsafe.Pointer(unsafe.SliceData(out))))
	return rc == 0
}

// kernelSwiGLU runs the C SwiGLU; false when the variant has none.
func kernelSwiGLU(v variant, gate, up []float32) bool {
	if v == variantGeneric {
		return false
	}
	rc := C.hearth_swiglu(C.int(v), (*C.float)(unsafe.Pointer(unsafe.SliceData(gate))),
		(*C.float)(unsafe.Pointer(unsafe.SliceData(up))), C.int(len(gate)))
	return rc == 0
}
