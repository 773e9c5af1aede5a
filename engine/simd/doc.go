// Package simd holds the CPU's hot loops in C, compiled for several
// instruction sets and chosen at run time: quantized matrix–vector and
// matrix–matrix products and the activation quantizers they need.
//
// The variants are "generic" (package quant's scalar Go code), "avx2"
// (AVX2+FMA+F16C), "avx512" (AVX-512 F/BW/VL with VNNI, and BF16 where
// present), "neon" (any arm64) and "neondot" (arm64 with SDOT). Each C file carries function-level target attributes, so the
// package builds with plain CGO flags and runs on any CPU of its
// architecture; without cgo every call goes to package quant.
//
// Results agree with quant.VecDot: the integer sums of each block are
// exact and only the order of the float accumulation differs. Types with
// no kernel in the active variant fall back to quant.VecDot row by row.
//
// The environment variable HEARTH_KERNELS (generic, avx2, avx512, neon,
// neondot), read once at start-up, forces a variant; a name this CPU
// cannot run is ignored (Kernel reports what runs). SetVariant does the
// same for tests and fails on such a name.
package simd
