//go:build !cgo || !amd64

// Without cgo, or off x86, SwiGLU takes its Go path.

package simd

func kernelSwiGLU(variant, []float32, []float32) bool { return false }
