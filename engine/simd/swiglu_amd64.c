// swiglu_amd64.c is simd.SwiGLU for the x86 variants (AVX2+FMA, which the
// AVX-512 variants run too).
#include <immintrin.h>
#include <math.h>
#include <stdint.h>

#include "kernels.h"

#define SW_TARGET __attribute__((target("avx2,fma")))

// sw_exp is e^x for x in [-87, 88]: x = n·ln2 + r with |r| ≤ ln2/2 (ln2
// split in two parts so r is exact to f32), e^r by its Taylor series to
// r^7 (truncation below 5e-9 relative), then 2^n put into the exponent.
SW_TARGET static inline __m256 sw_exp(__m256 x)
{
	x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
	const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
					 _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
	__m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
	r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
	__m256 p = _mm256_set1_ps(1.0f / 5040);
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
	const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
	return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

SW_TARGET static void swiglu_avx2(float *gate, const float *up, int n)
{
	int i = 0;
	const __m256 one = _mm256_set1_ps(1.0f);
	for (; i + 8 <= n; i += 8) {
		const __m256 g = _mm256_loadu_ps(gate + i);
		const __m256 d = _mm256_add_ps(one, sw_exp(_mm256_sub_ps(_mm256_setzero_ps(), g)));
		_mm256_storeu_ps(gate + i, _mm256_mul_ps(_mm256_div_ps(g, d), _mm256_loadu_ps(up + i)));
	}
	for (; i < n; i++) {
		const float d = 1.0f + expf(-gate[i]);
		gate[i] = gate[i] / d * up[i];
	}
}

int hearth_swiglu(int variant, float *gate, const float *up, int n)
{
	switch (variant) {
	case HEARTH_AVX2:
	case HEARTH_AVX512:
	case HEARTH_AVX512_BF16:
		swiglu_avx2(gate, up, n);
		return 0;
	}
	return -1;
}
