//go:build !amd64 && !arm64

// No SIMD kernels on this architecture: everything runs in package quant.
#include "kernels.h"

int hearth_variants(void) { return 1 << HEARTH_GENERIC; }

int hearth_matmul(int variant, int type, int n, const uint8_t *w, size_t rb, int rows, const uint8_t *acts, size_t as,
		  int ntok, float *out, size_t os)
{
	return -1;
}

int hearth_quantize(int variant, int type, const float *src, uint8_t *dst, int n) { return -1; }
