// kern_x86_kquants.h: the 256-element formats (Q2_K..Q6_K, IQ4_XS)
// against Q8_K. Part of kern_x86.h.

// half_scales returns the 16-bit scales 8h..8h+7 of sixteen (as
// cvtepi8_epi16 leaves them) in both 128-bit lanes, ready for scale_pair.
KFN __m256i half_scales(__m256i s16, int h)
{
	return h ? _mm256_permute4x64_epi64(s16, 0xee) : _mm256_permute4x64_epi64(s16, 0x44);
}

// scale_pair returns scale 2j of half (from half_scales) in every 16-bit
// lane of the low 128 bits and scale 2j+1 in the high 128 bits: the scales
// of two consecutive 16-element groups, in one shuffle.
KFN __m256i scale_pair(__m256i half, int j)
{
	const char a = (char)(4 * j), b = (char)(4 * j + 2);
	const __m256i ctrl = _mm256_setr_epi8(a, a + 1, a, a + 1, a, a + 1, a, a + 1, a, a + 1, a, a + 1, a, a + 1, a, a + 1,
					      b, b + 1, b, b + 1, b, b + 1, b, b + 1, b, b + 1, b, b + 1, b, b + 1, b, b + 1);
	return _mm256_shuffle_epi8(half, ctrl);
}

// bit_to_4 moves bit b (0..7) of every byte to bit 2, clearing the rest.
KFN __m256i bit_to_4(__m256i v, int b)
{
	__m256i x = b >= 2 ? _mm256_srli_epi16(v, b - 2) : _mm256_slli_epi16(v, 2 - b);
	return _mm256_and_si256(x, _mm256_set1_epi8(4));
}

// q4k_scales unpacks the eight 6-bit scales and mins of a Q4_K block as
// bytes: the first four sit in the low six bits of bytes 0..3 (scales) and
// 4..7 (mins); the last four take their low nibbles from bytes 8..11 and
// their top two bits from the top of bytes 0..7.
KFN void q4k_scales(const uint8_t *s, uint32_t sc[2], uint32_t mn[2])
{
	uint32_t u[3];
	memcpy(u, s, 12);
	sc[0] = u[0] & 0x3f3f3f3f;
	sc[1] = (u[2] & 0x0f0f0f0f) | ((u[0] >> 6) & 0x03030303) << 4;
	mn[0] = u[1] & 0x3f3f3f3f;
	mn[1] = ((u[2] >> 4) & 0x0f0f0f0f) | ((u[1] >> 6) & 0x03030303) << 4;
}

// q4k_mins16 returns each min twice, as 16-bit lanes matching the 16
// activation block sums.
KFN __m256i q4k_mins16(const uint32_t mn[2])
{
	const __m128i dup = _mm_setr_epi8(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
	return _mm256_cvtepu8_epi16(_mm_shuffle_epi8(_mm_set_epi32(0, 0, (int)mn[1], (int)mn[0]), dup));
}

#ifdef KZMM
#include "kern_x86_zmm.h"
#else

// ---- Q4_K x Q8_K ----

// dot_qk45 is the Q4_K kernel and, with five set, the Q5_K one: the same
// layout plus 32 bytes of fifth bits before the nibbles.
KFN void dot_qk45(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res, int five)
{
	const size_t bb = five ? 176 : 144;
	const int qoff = five ? 48 : 16;
	const __m256i bit0 = _mm256_set1_epi8(1), bit1 = _mm256_set1_epi8(2);
	const __m256i lowmask = _mm256_set1_epi8(0x0f);
	__m256 acc[KTILE];
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		acc[t] = _mm256_setzero_ps();
	for (int i = 0; i < nb; i++) {
		const uint8_t *wb = w + bb * (size_t)i;
		__m256i qh = five ? loadu(wb + 16) : _mm256_setzero_si256();
		const float d = f16at(wb), dmin = f16at(wb + 2);
		uint32_t sc[2], mn[2];
		q4k_scales(wb + 4, sc, mn);
		const uint8_t *scb = (const uint8_t *)sc;
		__m256i mins16 = q4k_mins16(mn);
		__m256i sumi[KTILE];
		_Pragma("GCC unroll 8")
		for (int t = 0; t < N; t++)
			sumi[t] = _mm256_setzero_si256();
		_Pragma("GCC unroll 8")
		for (int g = 0; g < 4; g++) {
			__m256i qv = loadu(wb + qoff + 32 * g);
			__m256i lo = _mm256_and_si256(qv, lowmask);
			__m256i hi = _mm256_and_si256(_mm256_srli_epi16(qv, 4), lowmask);
			if (five) {
				lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(qh, bit0), 4));
				hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(qh, bit1), 3));
				qh = _mm256_srli_epi16(qh, 2); // bits 2g+2, 2g+3 move down for the next pair
			}
			__m256i s0 = _mm256_set1_epi16(scb[2 * g]), s1 = _mm256_set1_epi16(scb[2 * g + 1]);
			_Pragma("GCC unroll 8")
			for (int t = 0; t < N; t++) {
				const uint8_t *aq = a[t] + 292 * (size_t)i + 4 + 64 * g;
				sumi[t] = dot_us_scaled(sumi[t], lo, loadu(aq), s0);
				sumi[t] = dot_us_scaled(sumi[t], hi, loadu(aq + 32), s1);
			}
		}
		_Pragma("GCC unroll 8")
		for (int t = 0; t < N; t++) {
			const uint8_t *ab = a[t] + 292 * (size_t)i;
			const float da = f32at(ab);
			__m256i m = _mm256_madd_epi16(loadu(ab + 260), mins16);
			acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * da), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
			acc[t] = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * da), _mm256_cvtepi32_ps(m), acc[t]);
		}
	}
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		res[t] = hsum8(acc[t]);
}

KFN void dot_q4_k(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res) { dot_qk45(nb, w, a, N, res, 0); }
KFN void dot_q5_k(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res) { dot_qk45(nb, w, a, N, res, 1); }

// ---- Q6_K x Q8_K ----

KFN void dot_q6_k(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res)
{
	const __m256i lowmask = _mm256_set1_epi8(0x0f), m30 = _mm256_set1_epi8(0x30);
	__m256 acc[KTILE];
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		acc[t] = _mm256_setzero_ps();
	for (int i = 0; i < nb; i++) {
		const uint8_t *wb = w + 210 * (size_t)i;
		const int8_t *sc = (const int8_t *)(wb + 192);
		const float d = f16at(wb + 208);
		__m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)sc));
		__m256i sumi[KTILE];
		_Pragma("GCC unroll 8")
		for (int t = 0; t < N; t++)
			sumi[t] = _mm256_setzero_si256();
		_Pragma("GCC unroll 8")
		for (int h = 0; h < 2; h++) {
			__m256i l0 = loadu(wb + 64 * h), l1 = loadu(wb + 64 * h + 32);
			__m256i hb = loadu(wb + 128 + 32 * h);
			__m256i half = half_scales(sc16, h);
			// Values 0..63; the −32 offset is applied once per block
			// through the activation block sums.
			__m256i q[4];
			q[0] = _mm256_or_si256(_mm256_and_si256(l0, lowmask), _mm256_and_si256(_mm256_slli_epi16(hb, 4), m30));
			q[1] = _mm256_or_si256(_mm256_and_si256(l1, lowmask), _mm256_and_si256(_mm256_slli_epi16(hb, 2), m30));
			q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), lowmask), _mm256_and_si256(hb, m30));
			q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), lowmask), _mm256_and_si256(_mm256_srli_epi16(hb, 2), m30));
			_Pragma("GCC unroll 8")
			for (int j = 0; j < 4; j++) {
				__m256i s = scale_pair(half, j);
				_Pragma("GCC unroll 8")
				for (int t = 0; t < N; t++) {
					const uint8_t *aq = a[t] + 292 * (size_t)i + 4 + 128 * h + 32 * j;
					sumi[t] = dot_us_scaled(sumi[t], q[j], loadu(aq), s);
				}
			}
		}
		_Pragma("GCC unroll 8")
		for (int t = 0; t < N; t++) {
			const uint8_t *ab = a[t] + 292 * (size_t)i;
			__m256i corr = _mm256_madd_epi16(loadu(ab + 260), sc16);
			__m256i si = _mm256_sub_epi32(sumi[t], _mm256_slli_epi32(corr, 5));
			acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * f32at(ab)), _mm256_cvtepi32_ps(si), acc[t]);
		}
	}
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		res[t] = hsum8(acc[t]);
}

#endif

// ---- IQ4_XS x Q8_K ----

KFN void dot_iq4_xs(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res)
{
	const __m256i book = iq4_codebook();
	__m256 acc[KTILE];
	_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) acc[t] = _mm256_setzero_ps();
	for (int i = 0; i < nb; i++) {
		const uint8_t *wb = w + 136 * (size_t)i;
		const float d = f16at(wb);
		uint16_t sh;
		memcpy(&sh, wb + 2, 2);
		__m256i sumi[KTILE];
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) sumi[t] = _mm256_setzero_si256();
		_Pragma("GCC unroll 8")
		for (int b = 0; b < 8; b++) {
			const int ls = ((wb[4 + b / 2] >> (4 * (b % 2))) & 0xf) | (((sh >> (2 * b)) & 3) << 4);
			__m256i s = _mm256_set1_epi16((int16_t)(ls - 32));
			__m256i q = _mm256_shuffle_epi8(book, nibbles32(wb + 8 + 16 * b));
			__m256i aw = _mm256_sign_epi8(q, q);
			_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)
			{
				__m256i av = loadu(a[t] + 292 * (size_t)i + 4 + 32 * b);
				sumi[t] = dot_us_scaled(sumi[t], aw, _mm256_sign_epi8(av, q), s);
			}
		}
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)
		{
			const float da = f32at(a[t] + 292 * (size_t)i);
			acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * da), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
		}
	}
	_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) res[t] = hsum8(acc[t]);
}

// ---- Q2_K and Q3_K x Q8_K ----

KFN void dot_q2_k(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res)
{
	const __m256i three = _mm256_set1_epi8(3);
	__m256 acc[KTILE];
	_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) acc[t] = _mm256_setzero_ps();
	for (int i = 0; i < nb; i++) {
		const uint8_t *wb = w + 84 * (size_t)i;
		const float d = f16at(wb + 80), dmin = f16at(wb + 82);
		__m128i sc = _mm_loadu_si128((const __m128i *)wb);
		__m256i mins16 = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(sc, 4), _mm_set1_epi8(0x0f)));
		__m256i scales16 = _mm256_cvtepu8_epi16(_mm_and_si128(sc, _mm_set1_epi8(0x0f)));
		__m256i sumi[KTILE];
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) sumi[t] = _mm256_setzero_si256();
		_Pragma("GCC unroll 8")
		for (int h = 0; h < 2; h++) {
			__m256i qv = loadu(wb + 16 + 32 * h);
			__m256i half = half_scales(scales16, h);
			_Pragma("GCC unroll 8")
			for (int j = 0; j < 4; j++) {
				// Elements 128h+32j..+31 are bits 2j..2j+1 of bytes 32h..32h+31.
				__m256i q = _mm256_and_si256(_mm256_srli_epi16(qv, 2 * j), three);
				__m256i s = scale_pair(half, j);
				_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)
				{
					__m256i av = loadu(a[t] + 292 * (size_t)i + 4 + 128 * h + 32 * j);
					sumi[t] = dot_us_scaled(sumi[t], q, av, s);
				}
			}
		}
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)
		{
			const uint8_t *ab = a[t] + 292 * (size_t)i;
			const float da = f32at(ab);
			__m256i m = _mm256_madd_epi16(loadu(ab + 260), mins16);
			acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * da), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
			acc[t] = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * da), _mm256_cvtepi32_ps(m), acc[t]);
		}
	}
	_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) res[t] = hsum8(acc[t]);
}

// q3k_scales unpacks the sixteen 6-bit Q3_K scales, minus 32: low nibbles
// from bytes 0..7 (scales 0..7 the low, 8..15 the high nibbles), top two
// bits from bytes 8..11, two bits per group of four scales.
KFN void q3k_scales(const uint8_t *s, int8_t S[16])
{
	uint32_t u[3], v[4];
	memcpy(u, s, 12);
	v[0] = (u[0] & 0x0f0f0f0f) | (u[2] & 0x03030303) << 4;
	v[1] = (u[1] & 0x0f0f0f0f) | ((u[2] >> 2) & 0x03030303) << 4;
	v[2] = ((u[0] >> 4) & 0x0f0f0f0f) | ((u[2] >> 4) & 0x03030303) << 4;
	v[3] = ((u[1] >> 4) & 0x0f0f0f0f) | ((u[2] >> 6) & 0x03030303) << 4;
	__m128i x = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)v), _mm_set1_epi8(32));
	_mm_storeu_si128((__m128i *)S, x);
}

KFN void dot_q3_k(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res)
{
	const __m256i three = _mm256_set1_epi8(3);
	__m256 acc[KTILE];
	_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) acc[t] = _mm256_setzero_ps();
	for (int i = 0; i < nb; i++) {
		const uint8_t *wb = w + 110 * (size_t)i;
		const uint8_t *s = wb + 96;
		const float d = f16at(wb + 108);
		int8_t S[16];
		q3k_scales(s, S);
		__m256i S16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)S));
		__m256i hm = loadu(wb);
		__m256i sumi[KTILE];
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) sumi[t] = _mm256_setzero_si256();
		_Pragma("GCC unroll 8")
		for (int h = 0; h < 2; h++) {
			__m256i qv = loadu(wb + 32 + 32 * h);
			__m256i half = half_scales(S16, h);
			_Pragma("GCC unroll 8")
			for (int j = 0; j < 4; j++) {
				// Codes 0..7 = low two bits | high bit << 2; the −4 offset
				// is applied per block through the activation sums.
				__m256i q = _mm256_and_si256(_mm256_srli_epi16(qv, 2 * j), three);
				q = _mm256_or_si256(q, bit_to_4(hm, 4 * h + j));
				__m256i sp = scale_pair(half, j);
				_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)
				{
					__m256i av = loadu(a[t] + 292 * (size_t)i + 4 + 128 * h + 32 * j);
					sumi[t] = dot_us_scaled(sumi[t], q, av, sp);
				}
			}
		}
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)
		{
			const uint8_t *ab = a[t] + 292 * (size_t)i;
			__m256i corr = _mm256_madd_epi16(loadu(ab + 260), S16);
			__m256i si = _mm256_sub_epi32(sumi[t], _mm256_slli_epi32(corr, 2));
			acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * f32at(ab)), _mm256_cvtepi32_ps(si), acc[t]);
		}
	}
	_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) res[t] = hsum8(acc[t]);
}
