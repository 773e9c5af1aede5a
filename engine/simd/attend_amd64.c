// attend_amd64.c is the blockwise (flash-style) attention kernel
// (simd.AttendF16, simd.AttendF32) for the x86 variants: AVX2+FMA+F16C,
// which the AVX-512 variants run too.
#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels.h"

#define ATT_TARGET __attribute__((target("avx2,fma,f16c")))
#define ATT_DIM 256
#define ATT_BLOCK 64

ATT_TARGET static inline __m256 att_load16(const uint16_t *p)
{
	return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}

// att_exp is e^x for x ≤ 0 (the shifted scores) within 2.3e-7 relative
// (measured over [−87, 0]): x = n·ln2 + r with |r| ≤ ln2/2, a degree-6
// polynomial for e^r and n added to the exponent. Inputs below −87 give ~e^−87 instead of a denormal, far below
// what a sum of ≥ 1 can notice.
ATT_TARGET static inline __m256 att_exp(__m256 x)
{
	x = _mm256_max_ps(x, _mm256_set1_ps(-87.0f));
	const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
					 _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
	__m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693145751953125f), x);
	r = _mm256_fnmadd_ps(n, _mm256_set1_ps(1.428606765330187045e-06f), r);
	__m256 p = _mm256_set1_ps(1.0f / 720);
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
	const __m256i e = _mm256_slli_epi32(_mm256_cvtps_epi32(n), 23);
	return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p), e));
}

// att_dot4 returns the four dot products of q with the rows k0…k3.
ATT_TARGET static inline __m128 att_dot4(const float *q, const float *k, size_t ks, int hd)
{
	__m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(),
	       a3 = _mm256_setzero_ps();
	for (int c = 0; c < hd; c += 8) {
		const __m256 x = _mm256_loadu_ps(q + c);
		a0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(k + c), a0);
		a1 = _mm256_fmadd_ps(x, _mm256_loadu_ps(k + ks + c), a1);
		a2 = _mm256_fmadd_ps(x, _mm256_loadu_ps(k + 2 * ks + c), a2);
		a3 = _mm256_fmadd_ps(x, _mm256_loadu_ps(k + 3 * ks + c), a3);
	}
	const __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
	return _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
}

ATT_TARGET static inline float att_dot1(const float *q, const float *k, int hd)
{
	__m256 a = _mm256_setzero_ps();
	for (int c = 0; c < hd; c += 8)
		a = _mm256_fmadd_ps(_mm256_loadu_ps(q + c), _mm256_loadu_ps(k + c), a);
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
	s = _mm_add_ps(s, _mm_movehl_ps(s, s));
	s = _mm_add_ss(s, _mm_movehdup_ps(s));
	return _mm_cvtss_f32(s);
}

// att_row folds keys 0…nb−1 of a block (rows ks apart in k and v) into one
// query row's running maximum *m, sum *l and accumulator acc.
ATT_TARGET static void att_row(const float *q, int hd, const float *k, const float *v, size_t ks, int nb,
			       float scale, float *sc, float *m, float *l, float *acc)
{
	int j = 0;
	for (; j + 4 <= nb; j += 4)
		_mm_storeu_ps(sc + j, _mm_mul_ps(att_dot4(q, k + ks * (size_t)j, ks, hd), _mm_set1_ps(scale)));
	for (; j < nb; j++)
		sc[j] = att_dot1(q, k + ks * (size_t)j, hd) * scale;
	float bm = -INFINITY;
	for (j = 0; j < nb; j++)
		bm = sc[j] > bm ? sc[j] : bm;
	if (bm > *m) {
		// the first block of a row scales the zero accumulator by e^−∞ = 0
		const __m256 f = _mm256_set1_ps(expf(*m - bm));
		for (int c = 0; c < hd; c += 8)
			_mm256_storeu_ps(acc + c, _mm256_mul_ps(f, _mm256_loadu_ps(acc + c)));
		*l *= expf(*m - bm);
		*m = bm;
	}
	const __m256 mv = _mm256_set1_ps(*m);
	__m256 sum = _mm256_setzero_ps();
	for (j = 0; j + 8 <= nb; j += 8) {
		const __m256 e = att_exp(_mm256_sub_ps(_mm256_loadu_ps(sc + j), mv));
		_mm256_storeu_ps(sc + j, e);
		sum = _mm256_add_ps(sum, e);
	}
	float s = 0;
	for (; j < nb; j++) {
		float e[8] __attribute__((aligned(32)));
		_mm256_store_ps(e, att_exp(_mm256_set1_ps(sc[j] - *m)));
		sc[j] = e[0];
		s += e[0];
	}
	float part[8] __attribute__((aligned(32)));
	_mm256_store_ps(part, sum);
	*l += ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7])) + s;
	for (int c0 = 0; c0 < hd; c0 += 64) {
		const int nv = (hd - c0) / 8 < 8 ? (hd - c0) / 8 : 8;
		__m256 a[8];
		for (int x = 0; x < nv; x++)
			a[x] = _mm256_loadu_ps(acc + c0 + 8 * x);
		for (j = 0; j < nb; j++) {
			const __m256 p = _mm256_set1_ps(sc[j]);
			const float *vr = v + ks * (size_t)j + c0;
			for (int x = 0; x < nv; x++)
				a[x] = _mm256_fmadd_ps(p, _mm256_loadu_ps(vr + 8 * x), a[x]);
		}
		for (int x = 0; x < nv; x++)
			_mm256_storeu_ps(acc + c0 + 8 * x, a[x]);
	}
}

// att_flash runs the whole query block; keys and values are f16 (converted
// block by block into the scratch) when f16 is set, else f32 read in place.
ATT_TARGET static void att_flash(int f16, const float *q, int nq, int g, int hd, size_t qstride, const void *keys,
				 const void *vals, size_t stride, int n0, float scale, float *scratch, float *out)
{
	const int rows = nq * g;
	float *qr = scratch, *acc = qr + (size_t)rows * hd, *ml = acc + (size_t)rows * hd;
	float *kb = ml + 2 * (size_t)rows, *vb = kb + ATT_BLOCK * (size_t)hd, *sc = vb + ATT_BLOCK * (size_t)hd;
	for (int t = 0; t < nq; t++)
		for (int i = 0; i < g; i++) {
			const float *src = q + qstride * (size_t)t + (size_t)i * hd;
			float *dst = qr + ((size_t)t * g + i) * hd;
			for (int c = 0; c < hd; c += 8) {
				__m256 x = _mm256_loadu_ps(src + c);
				if (f16)
					x = _mm256_cvtph_ps(_mm256_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT));
				_mm256_storeu_ps(dst + c, x);
			}
		}
	for (size_t x = 0; x < (size_t)rows * hd; x++)
		acc[x] = 0;
	for (int r = 0; r < rows; r++) {
		ml[2 * r] = -INFINITY;
		ml[2 * r + 1] = 0;
	}
	const int nkeys = n0 + nq - 1;
	for (int b0 = 0; b0 < nkeys; b0 += ATT_BLOCK) {
		const int b1 = b0 + ATT_BLOCK < nkeys ? b0 + ATT_BLOCK : nkeys;
		const float *k, *v;
		size_t ks;
		if (f16) {
			const uint16_t *k16 = (const uint16_t *)keys + stride * (size_t)b0;
			const uint16_t *v16 = (const uint16_t *)vals + stride * (size_t)b0;
			for (int j = 0; j < b1 - b0; j++)
				for (int c = 0; c < hd; c += 8) {
					_mm256_storeu_ps(kb + (size_t)j * hd + c, att_load16(k16 + stride * (size_t)j + c));
					_mm256_storeu_ps(vb + (size_t)j * hd + c, att_load16(v16 + stride * (size_t)j + c));
				}
			k = kb, v = vb, ks = (size_t)hd;
		} else {
			k = (const float *)keys + stride * (size_t)b0;
			v = (const float *)vals + stride * (size_t)b0;
			ks = stride;
		}
		for (int t = 0; t < nq; t++) {
			const int lim = n0 + t < b1 ? n0 + t : b1;
			if (lim <= b0)
				continue;
			for (int i = 0; i < g; i++) {
				const size_t r = (size_t)t * g + i;
				att_row(qr + r * hd, hd, k, v, ks, lim - b0, scale, sc, ml + 2 * r, ml + 2 * r + 1,
					acc + r * hd);
			}
		}
	}
	for (int t = 0; t < nq; t++)
		for (int i = 0; i < g; i++) {
			const size_t r = (size_t)t * g + i;
			const __m256 inv = _mm256_set1_ps(1.0f / ml[2 * r + 1]);
			float *dst = out + qstride * (size_t)t + (size_t)i * hd;
			for (int c = 0; c < hd; c += 8)
				_mm256_storeu_ps(dst + c, _mm256_mul_ps(inv, _mm256_loadu_ps(acc + r * hd + c)));
		}
}

int hearth_attend_flash(int variant, int f16, const float *q, int nq, int g, int hd, size_t qstride,
			const void *keys, const void *vals, size_t stride, int n0, float scale, float *scratch,
			float *out)
{
	if (hd > ATT_DIM || hd % 8 != 0)
		return -1;
	switch (variant) {
	case HEARTH_AVX2:
	case HEARTH_AVX512:
	case HEARTH_AVX512_BF16:
		att_flash(f16, q, nq, g, hd, qstride, keys, vals, stride, n0, scale, scratch, out);
		return 0;
	}
	return -1;
}
