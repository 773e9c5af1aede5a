// attend_amd64.c is the f16-cache attention kernel (simd.AttendF16) for the
// x86 variants: AVX2+FMA+F16C, which the AVX-512 variants run too (the loop
// is bound by f16 conversion and the exponentials, not vector width).
#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels.h"

#define ATT_TARGET __attribute__((target("avx2,fma,f16c")))
#define ATT_DIM 256

ATT_TARGET static inline float att_hsum(__m256 v)
{
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
	s = _mm_add_ps(s, _mm_movehl_ps(s, s));
	s = _mm_add_ss(s, _mm_movehdup_ps(s));
	return _mm_cvtss_f32(s);
}

ATT_TARGET static inline __m256 att_load(const uint16_t *p)
{
	return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}

ATT_TARGET static inline float att_round(float x)
{
	return _cvtsh_ss(_cvtss_sh(x, _MM_FROUND_TO_NEAREST_INT));
}

// attend_row is one query row: scores, softmax in ggml's order, then the
// probability-weighted sum of the values.
ATT_TARGET static void attend_row(const float *q, int hd, const uint16_t *keys, const uint16_t *vals, size_t stride,
				  int nkeys, float scale, float *sc, float *out)
{
	float qr[ATT_DIM] __attribute__((aligned(32)));
	__m256 acc[ATT_DIM / 8];
	for (int c = 0; c < hd; c += 8) {
		__m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(q + c), _MM_FROUND_TO_NEAREST_INT);
		_mm256_store_ps(qr + c, _mm256_cvtph_ps(h));
	}
	float m = -INFINITY;
	for (int j = 0; j < nkeys; j++) {
		const uint16_t *k = keys + stride * (size_t)j;
		__m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
		int c = 0;
		for (; c + 16 <= hd; c += 16) {
			a0 = _mm256_fmadd_ps(_mm256_load_ps(qr + c), att_load(k + c), a0);
			a1 = _mm256_fmadd_ps(_mm256_load_ps(qr + c + 8), att_load(k + c + 8), a1);
		}
		for (; c < hd; c += 8)
			a0 = _mm256_fmadd_ps(_mm256_load_ps(qr + c), att_load(k + c), a0);
		const float s = att_hsum(_mm256_add_ps(a0, a1)) * scale;
		sc[j] = s;
		m = s > m ? s : m;
	}
	double sum = 0;
	for (int j = 0; j < nkeys; j++) {
		const float e = expf(sc[j] - m);
		sc[j] = e;
		sum += e;
	}
	const float inv = (float)(1.0 / sum);
	const int nv = hd / 8;
	for (int v = 0; v < nv; v++)
		acc[v] = _mm256_setzero_ps();
	for (int j = 0; j < nkeys; j++) {
		const __m256 p = _mm256_set1_ps(att_round(sc[j] * inv));
		const uint16_t *vr = vals + stride * (size_t)j;
		for (int v = 0; v < nv; v++)
			acc[v] = _mm256_fmadd_ps(p, att_load(vr + 8 * v), acc[v]);
	}
	for (int v = 0; v < nv; v++)
		_mm256_storeu_ps(out + 8 * v, acc[v]);
}

int hearth_attend_f16(int variant, const float *q, int g, int hd, const uint16_t *keys, const uint16_t *vals,
		      size_t stride, int nkeys, float scale, float *scores, float *out)
{
	if (hd > ATT_DIM || hd % 8 != 0)
		return -1;
	switch (variant) {
	case HEARTH_AVX2:
	case HEARTH_AVX512:
	case HEARTH_AVX512_BF16:
		for (int i = 0; i < g; i++)
			attend_row(q + (size_t)i * hd, hd, keys, vals, stride, nkeys, scale, scores, out + (size_t)i * hd);
		return 0;
	}
	return -1;
}
