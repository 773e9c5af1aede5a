// Run-time choice of the x86 kernel variant from CPUID and XGETBV: a CPU
// flag alone is not enough, the OS must also save the vector state.
#include <cpuid.h>

#include "kernels.h"

int hearth_matmul_avx2(int, int, const uint8_t *, size_t, int, const uint8_t *, size_t, int, float *, size_t);
int hearth_matmul_avx512(int, int, const uint8_t *, size_t, int, const uint8_t *, size_t, int, float *, size_t);
int hearth_matmul_avx512bf16(int, int, const uint8_t *, size_t, int, const uint8_t *, size_t, int, float *, size_t);
int hearth_quantize_avx2(int, const float *, uint8_t *, int);
int hearth_quantize_avx512(int, const float *, uint8_t *, int);

static uint64_t xcr0(void)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

int hearth_variants(void)
{
	unsigned a, b, c, d;
	int mask = 1 << HEARTH_GENERIC;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return mask;
	const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1, f16c = (c >> 29) & 1;
	if (!osxsave || !avx)
		return mask;
	const uint64_t xcr = xcr0();
	if ((xcr & 0x6) != 0x6) // SSE and AVX state
		return mask;
	if (__get_cpuid_max(0, 0) < 7)
		return mask;
	__cpuid_count(7, 0, a, b, c, d);
	const unsigned subleaves = a;
	const int avx2 = (b >> 5) & 1;
	if (!(avx2 && fma && f16c))
		return mask;
	mask |= 1 << HEARTH_AVX2;
	const int f = (b >> 16) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1, vnni = (c >> 11) & 1;
	if ((xcr & 0xe6) != 0xe6 || !(f && bw && vl && vnni)) // plus opmask and ZMM state
		return mask;
	mask |= 1 << HEARTH_AVX512;
	if (subleaves < 1)
		return mask;
	__cpuid_count(7, 1, a, b, c, d);
	if ((a >> 5) & 1)
		mask |= 1 << HEARTH_AVX512_BF16;
	return mask;
}

int hearth_matmul(int variant, int type, int n, const uint8_t *w, size_t rb, int rows, const uint8_t *acts, size_t as,
		  int ntok, float *out, size_t os)
{
	switch (variant) {
	case HEARTH_AVX2:
		return hearth_matmul_avx2(type, n, w, rb, rows, acts, as, ntok, out, os);
	case HEARTH_AVX512:
		return hearth_matmul_avx512(type, n, w, rb, rows, acts, as, ntok, out, os);
	case HEARTH_AVX512_BF16:
		return hearth_matmul_avx512bf16(type, n, w, rb, rows, acts, as, ntok, out, os);
	}
	return -1;
}

int hearth_quantize(int variant, int type, const float *src, uint8_t *dst, int n)
{
	switch (variant) {
	case HEARTH_AVX2:
		return hearth_quantize_avx2(type, src, dst, n);
	case HEARTH_AVX512:
	case HEARTH_AVX512_BF16:
		return hearth_quantize_avx512(type, src, dst, n);
	}
	return -1;
}
