//go:build cgo

package simd

/*
#include <stddef.h>
#include <stdint.h>
int hearth_attend_flash(int variant, int f16, const float *q, int nq, int g, int hd, size_t qstride,
			const void *keys, const void *vals, size_t stride, int n0, float scale, float *scratch,
			float *out);
*/
import "C"

import "unsafe"

// kernelAttendF16 runs the C attention kernel over an f16 cache; false when
// the variant has none. The sizes have been checked by the caller.
func kernelAttendF16(v variant, q []float32, nq, g, hd, qstride int, keys, vals []uint16, stride, n0 int, scale float32, scratch, out []float32) bool {
	return kernelAttend(v, 1, q, nq, g, hd, qstride, unsafe.Pointer(unsafe.SliceData(keys)), unsafe.Pointer(unsafe.SliceData(vals)), stride, n0, scale, scratch, out)
}

// kernelAttendF32 is kernelAttendF16 for an f32 cache.
func kernelAttendF32(v variant, q []float32, nq, g, hd, qstride int, keys, vals []float32, stride, n0 int, scale float32, scratch, out []float32) bool {
	return kernelAttend(v, 0, q, nq, g, hd, qstride, unsafe.Pointer(unsafe.SliceData(keys)), unsafe.Pointer(unsafe.SliceData(vals)), stride, n0, scale, scratch, out)
}

func kernelAttend(v variant, f16 int, q []float32, nq, g, hd, qstride int, keys, vals unsafe.Pointer, stride, n0 int, scale float32, scratch, out []float32) bool {
	if v == variantGeneric {
		return false
	}
	rc := C.hearth_attend_flash(C.int(v), C.int(f16), (*C.float)(unsafe.Pointer(unsafe.SliceData(q))), C.int(nq), C.int(g), C.int(hd),
		C.size_t(qstride), keys, vals, C.size_t(stride), C.int(n0), C.float(scale),
		(*C.float)(unsafe.Pointer(unsafe.SliceData(scratch))), (*C.float)(unsafe.Pointer(unsafe.SliceData(out))))
	return rc == 0
}
