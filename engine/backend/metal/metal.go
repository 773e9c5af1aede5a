// Package metal is Hearth's Apple-silicon backend: the kernels of
// backend/cuda written in the Metal Shading Language (kernels.metal),
// compiled at run time with newLibraryWithSource and run through a small
// Objective-C bridge (metal_darwin.go, bridge_darwin.m; cgo). Apple GPUs
// share memory with the CPU; Kernels copies its inputs into shared buffers
// for now, and a forward pass would wrap the page-aligned model mapping in
// place instead (newBufferWithBytesNoCopy).
//
// It builds only on macOS; elsewhere Open reports ErrUnsupported and the
// engine uses the CPU.
package metal

import (
	_ "embed"
	"errors"
)

// Source is the MSL text of the kernels.
//
//go:embed kernels.metal
var Source string

// BlockThreads is the threadgroup size the kernels are written for.
const BlockThreads = 128

// The ways opening the backend fails.
var (
	ErrUnsupported = errors.New("the Metal backend needs macOS on Apple silicon")
	ErrNoDevice    = errors.New("no Metal device")
	ErrCompile     = errors.New("the Metal compiler rejected the kernels")
)

// KernelNames lists the kernel functions in Source.
func KernelNames() []string {
	return []string{"mm_f32", "mm_f16", "mm_q4_0", "mm_q8_0", "rmsnorm", "swiglu"}
}
