// kern_x86.h holds the x86 kernels once; kern_avx2_amd64.c and
// kern_avx512_amd64.c include it after defining KTARGET (the target
// attribute string) and KSUFFIX(name); the AVX-512 file also defines KVNNI
// (VNNI dot products), KTILE (tokens per prefill tile) and KZMM (512-bit
// Q4_K/Q5_K/Q6_K kernels from kern_x86_zmm.h, Q8_0/Q4_0 from
// kern_x86_zmm_q32.h). The formats live in
// kern_x86_legacy.h, kern_x86_kquants.h and kern_x86_float.h, the
// activation quantizers in kern_x86_quantize.h.
//
// Integer sums per block are exact, as in the scalar reference; only the
// order of the float accumulation differs. Activations must come from
// hearth_quantize (quantized values in -127..127), which keeps the
// 16-bit pair sums of vpmaddubsw from saturating.

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "kernels.h"

#define KFN static inline __attribute__((always_inline, target(KTARGET)))
#define KSTATIC static __attribute__((target(KTARGET)))

#ifndef KTILE
#define KTILE 4
#endif

// Each weight tile of about this many bytes stays in L2 while every token
// tile streams over it, so weights are read from memory once per matmul.
#define WEIGHT_TILE_BYTES (96 * 1024)

KFN float hsum8(__m256 v)
{
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
	s = _mm_add_ps(s, _mm_movehl_ps(s, s));
	s = _mm_add_ss(s, _mm_movehdup_ps(s));
	return _mm_cvtss_f32(s);
}

KFN float f16at(const uint8_t *p)
{
	uint16_t h;
	memcpy(&h, p, 2);
	return _cvtsh_ss(h);
}

KFN float f32at(const uint8_t *p)
{
	float f;
	memcpy(&f, p, 4);
	return f;
}

KFN __m256i loadu(const uint8_t *p) { return _mm256_loadu_si256((const __m256i *)p); }

// dot_us adds the sums of 4 adjacent u8·s8 products to the int32 lanes of
// acc. u ≤ 128 and s in -127..127 keep vpmaddubsw exact.
KFN __m256i dot_us(__m256i acc, __m256i u, __m256i s)
{
#ifdef KVNNI
	return _mm256_dpbusd_epi32(acc, u, s);
#else
	__m256i p = _mm256_maddubs_epi16(u, s);
	return _mm256_add_epi32(acc, _mm256_madd_epi16(p, _mm256_set1_epi16(1)));
#endif
}

// dot_us_scaled adds Σ u8·s8 over pairs, times the 16-bit scales sc, to the
// int32 lanes of acc.
KFN __m256i dot_us_scaled(__m256i acc, __m256i u, __m256i s, __m256i sc)
{
	return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), sc));
}

#include "kern_x86_legacy.h"
#include "kern_x86_kquants.h"
#include "kern_x86_float.h"

// ---- tiling: rows × tokens ----

// A dot kernel takes the element or block count, one weight row and N
// activation rows, and writes N results.
#define TILED(NAME, DOT, UNITS)                                                                       \
	KSTATIC void NAME(int n, const uint8_t *w, size_t rb, int rows, const uint8_t *acts, size_t as, \
			  int ntok, float *out, size_t os)                                              \
	{                                                                                             \
		const int units = UNITS;                                                              \
		if (ntok == 1) {                                                                      \
			for (int r = 0; r < rows; r++)                                                \
				DOT(units, w + rb * (size_t)r, &acts, 1, out + r);                    \
			return;                                                                       \
		}                                                                                     \
		int rtile = (int)(WEIGHT_TILE_BYTES / (rb ? rb : 1));                                 \
		if (rtile < 1)                                                                        \
			rtile = 1;                                                                    \
		for (int r0 = 0; r0 < rows; r0 += rtile) {                                            \
			int r1 = r0 + rtile < rows ? r0 + rtile : rows;                               \
			for (int t0 = 0; t0 < ntok; t0 += KTILE) {                                    \
				const uint8_t *ap[KTILE];                                             \
				int nt = ntok - t0 < KTILE ? ntok - t0 : KTILE;                       \
				for (int t = 0; t < nt; t++)                                          \
					ap[t] = acts + as * (size_t)(t0 + t);                         \
				for (int r = r0; r < r1; r++) {                                       \
					float res[KTILE];                                             \
					const uint8_t *wr = w + rb * (size_t)r;                       \
					if (nt == KTILE)                                              \
						DOT(units, wr, ap, KTILE, res);                       \
					else                                                          \
						for (int t = 0; t < nt; t++)                          \
							DOT(units, wr, ap + t, 1, res + t);           \
					for (int t = 0; t < nt; t++)                                  \
						out[os * (size_t)(t0 + t) + r] = res[t];              \
				}                                                                     \
			}                                                                             \
		}                                                                                     \
	}

#ifdef KZMM
#include "kern_x86_zmm_q32.h"
#else
TILED(mm_q8_0, dot_q8_0, n / 32)
TILED(mm_q4_0, dot_q4_0, n / 32)
#endif
TILED(mm_q4_k, dot_q4_k, n / 256)
TILED(mm_q6_k, dot_q6_k, n / 256)
TILED(mm_q5_k, dot_q5_k, n / 256)
TILED(mm_q2_k, dot_q2_k, n / 256)
TILED(mm_q3_k, dot_q3_k, n / 256)
TILED(mm_iq4_xs, dot_iq4_xs, n / 256)
TILED(mm_q4_1, dot_q4_1, n / 32)
TILED(mm_q5_0, dot_q5_0, n / 32)
TILED(mm_q5_1, dot_q5_1, n / 32)
TILED(mm_iq4_nl, dot_iq4_nl, n / 32)
TILED(mm_f32, dot_f32, n)
TILED(mm_f16, dot_f16, n)
TILED(mm_bf16, dot_bf16, n)

__attribute__((target(KTARGET))) int KSUFFIX(hearth_matmul)(int type, int n, const uint8_t *w, size_t rb, int rows,
							    const uint8_t *acts, size_t as, int ntok, float *out,
							    size_t os)
{
	switch (type) {
	case HT_Q8_0:
		mm_q8_0(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	case HT_Q4_0:
		mm_q4_0(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	case HT_Q4_K:
		mm_q4_k(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	case HT_Q6_K:
		mm_q6_k(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	case HT_F32:
		mm_f32(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	case HT_Q5_K:
		mm_q5_k(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	case HT_Q2_K:
		mm_q2_k(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	case HT_Q3_K:
		mm_q3_k(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	case HT_IQ4_XS:
		mm_iq4_xs(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	case HT_Q4_1:
		mm_q4_1(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	case HT_Q5_0:
		mm_q5_0(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	case HT_Q5_1:
		mm_q5_1(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	case HT_IQ4_NL:
		mm_iq4_nl(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	case HT_F16:
		mm_f16(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	case HT_BF16:
		mm_bf16(n, w, rb, rows, acts, as, ntok, out, os);
		return 0;
	}
	return -1;
}

#include "kern_x86_quantize.h"
