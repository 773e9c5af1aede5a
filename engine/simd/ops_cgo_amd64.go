//go:build cgo

// The cgo side of SwiGLU, which exists for x86 only (attention's is in
// attend_cgo_amd64.go).

package simd

/*
#cgo LDFLAGS: -lm
#include <stddef.h>
#include <stdint.h>
int hearth_swiglu(int variant, float *gate, const float *up, int n);
*/
import "C"

import "unsafe"

// kernelSwiGLU runs the C SwiGLU; false when the variant has none.
func kernelSwiGLU(v variant, gate, up []float32) bool {
	if v == variantGeneric {
		return false
	}
	rc := C.hearth_swiglu(C.int(v), (*C.float)(unsafe.Pointer(unsafe.SliceData(gate))),
		(*C.float)(unsafe.Pointer(unsafe.SliceData(up))), C.int(len(gate)))
	return rc == 0
}
