//go:build !cgo || !amd64

package simd

// Without cgo, or off x86, AttendF16 and AttendF32 take their Go path.

func kernelAttendF16(variant, []float32, int, int, int, int, []uint16, []uint16, int, int, float32, []float32, []float32) bool {
	return false
}

func kernelAttendF32(variant, []float32, int, int, int, int, []float32, []float32, int, int, float32, []float32, []float32) bool {
	return false
}
