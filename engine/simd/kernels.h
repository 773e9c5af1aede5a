// kernels.h declares the C entry points of package simd. Each variant file
// defines its functions with its own target attributes, so the package
// builds with plain CGO flags and runs on any CPU of its architecture.
#ifndef HEARTH_SIMD_KERNELS_H
#define HEARTH_SIMD_KERNELS_H

#include <stddef.h>
#include <stdint.h>

// Variant ids; they match the Go constants in variant.go.
enum {
	HEARTH_GENERIC = 0,
	HEARTH_AVX2 = 1,
	HEARTH_AVX512 = 2,
	HEARTH_NEON = 3,
	// Not a variant of its own: "avx512" plus the AVX512_BF16 BF16 kernel,
	// used in its place on CPUs that have the extension.
	HEARTH_AVX512_BF16 = 4,
	HEARTH_NEON_DOTPROD = 5,
};

// ggml type ids used by the kernels (llama.cpp ggml.h).
enum {
	HT_F32 = 0,
	HT_F16 = 1,
	HT_Q4_0 = 2,
	HT_Q4_1 = 3,
	HT_Q5_0 = 6,
	HT_Q5_1 = 7,
	HT_Q8_0 = 8,
	HT_Q8_1 = 9,
	HT_Q2_K = 10,
	HT_Q3_K = 11,
	HT_Q4_K = 12,
	HT_Q5_K = 13,
	HT_Q6_K = 14,
	HT_Q8_K = 15,
	HT_IQ4_NL = 20,
	HT_IQ4_XS = 23,
	HT_BF16 = 30,
};

// hearth_variants returns a bit mask of the variants this CPU and OS can run
// (bit i = variant id i; the generic variant is always set).
int hearth_variants(void);

// hearth_matmul computes out[t*out_stride + r] = dot(row r of w, token t of
// acts) for r < rows and t < ntok with the given variant. It returns 0, or
// -1 when the variant has no kernel for the type (the caller falls back).
int hearth_matmul(int variant, int type, int n, const uint8_t *w,
		  size_t row_bytes, int rows, const uint8_t *acts,
		  size_t act_stride, int ntok, float *out, size_t out_stride);

// hearth_quantize converts n floats to activation type (Q8_0, Q8_1 or
// Q8_K), bit-identical to package quant. It returns 0, or -1 when the
// variant has no quantizer for the type.
int hearth_quantize(int variant, int type, const float *src, uint8_t *dst,
		    int n);

// hearth_stream_read reads n bytes (a multiple of 8) and returns a value
// that depends on all of them, so the reads cannot be optimized away. It
// uses the widest loads of the variants in the mask (from
// hearth_variants).
uint64_t hearth_stream_read(const uint8_t *p, size_t n, int variants);

#endif
