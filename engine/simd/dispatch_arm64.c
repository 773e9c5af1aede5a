// Run-time choice of the arm64 kernel variant: NEON is part of every arm64
// CPU; the dot-product extension is asked of the OS.
#include "kernels.h"

#if defined(__linux__)
#include <sys/auxv.h>
#define HWCAP_DOTPROD_BIT (1UL << 20) // HWCAP_ASIMDDP in <asm/hwcap.h>
static int has_dotprod(void) { return (getauxval(AT_HWCAP) & HWCAP_DOTPROD_BIT) != 0; }
#elif defined(__APPLE__)
static int has_dotprod(void) { return 1; } // every Apple arm64 CPU (M1 and later) has it
#else
static int has_dotprod(void) { return 0; }
#endif

int hearth_matmul_neon(int, int, const uint8_t *, size_t, int, const uint8_t *, size_t, int, float *, size_t);
int hearth_matmul_neondot(int, int, const uint8_t *, size_t, int, const uint8_t *, size_t, int, float *, size_t);
int hearth_quantize_neon(int, const float *, uint8_t *, int);

int hearth_variants(void)
{
	int mask = 1 << HEARTH_GENERIC | 1 << HEARTH_NEON;
	if (has_dotprod())
		mask |= 1 << HEARTH_NEON_DOTPROD;
	return mask;
}

int hearth_matmul(int variant, int type, int n, const uint8_t *w, size_t rb, int rows, const uint8_t *acts, size_t as,
		  int ntok, float *out, size_t os)
{
	switch (variant) {
	case HEARTH_NEON:
		return hearth_matmul_neon(type, n, w, rb, rows, acts, as, ntok, out, os);
	case HEARTH_NEON_DOTPROD:
		return hearth_matmul_neondot(type, n, w, rb, rows, acts, as, ntok, out, os);
	}
	return -1;
}

int hearth_quantize(int variant, int type, const float *src, uint8_t *dst, int n)
{
	// The quantizers use no dot products: one build serves both variants.
	if (variant == HEARTH_NEON || variant == HEARTH_NEON_DOTPROD)
		return hearth_quantize_neon(type, src, dst, n);
	return -1;
}
