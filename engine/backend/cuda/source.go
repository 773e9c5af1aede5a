// Package cuda is Hearth's NVIDIA backend. It needs no CUDA SDK to build:
// libcuda (the driver) and libnvrtc (the run-time compiler) are opened with
// purego when a model loads, the kernels in kernels.cu are compiled by NVRTC
// for the GPU's architecture on first use and cached on disk, and when any
// of that fails the engine falls back to the CPU and says why.
package cuda

import (
	_ "embed"
	"fmt"

	"hearth/engine/quant"
)

// Source is the CUDA C text of every kernel (kernels.cu).
//
//go:embed kernels.cu
var Source string

// BlockThreads is the block size every kernel is written for (NT in kernels.cu).
const BlockThreads = 128

// TileTokens is the number of tokens one matmul block multiplies (TN).
const TileTokens = 8

// formatSuffix maps a weight type to its kernels' name suffix (mm_<suffix>,
// dq_<suffix>).
var formatSuffix = map[quant.Type]string{
	quant.F32: "f32", quant.F16: "f16", quant.BF16: "bf16",
	quant.Q4_0: "q4_0", quant.Q8_0: "q8_0",
	quant.Q4_K: "q4_K", quant.Q5_K: "q5_K", quant.Q6_K: "q6_K",
}

// Formats lists the weight types the kernels handle.
func Formats() []quant.Type {
	return []quant.Type{quant.F32, quant.F16, quant.BF16, quant.Q4_0, quant.Q8_0, quant.Q4_K, quant.Q5_K, quant.Q6_K}
}

// Supports reports whether the kernels handle weights of type t.
func Supports(t quant.Type) bool {
	_, ok := formatSuffix[t]
	return ok
}

func kernelName(prefix string, t quant.Type) (string, error) {
	s, ok := formatSuffix[t]
	if !ok {
		return "", fmt.Errorf("cuda: no kernel for %s weights", t)
	}
	return prefix + "_" + s, nil
}

// KernelNames lists every kernel in Source, for the compile check.
func KernelNames() []string {
	var names []string
	for _, t := range Formats() {
		mm, _ := kernelName("mm", t)
		dq, _ := kernelName("dq", t)
		names = append(names, mm, dq)
	}
	return append(names, "rmsnorm", "softmax", "swiglu", "rope", "topk", "attend")
}
