//go:build !cgo || !amd64

// Without cgo, or off x86, AttendF16 and SwiGLU take their Go paths.

package simd

func kernelAttendF16(variant, []float32, int, int, []uint16, []uint16, int, int, float32, []float32, []float32) bool {
	return false
}

func kernelSwiGLU(variant, []float32, []float32) bool { return false }
