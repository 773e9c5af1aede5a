// kern_neon.h holds the arm64 kernels once; kern_neon_arm64.c includes it
// for plain ARMv8.0 Advanced SIMD (every arm64 CPU) and
// kern_neondot_arm64.c with KDOTPROD for the ARMv8.2 SDOT instruction.
// Both define KATTR (extra function attributes) and KSUFFIX(name). The
// formats live in kern_neon_legacy.h, kern_neon_kquants.h and
// kern_neon_float.h, the activation quantizers in kern_neon_quantize.h.
// Integer products are summed exactly into int32 lanes either way.

#include <arm_neon.h>
#include <stdint.h>
#include <string.h>

#include "kernels.h"

#define KFN static inline __attribute__((always_inline)) KATTR
#define KSTATIC static KATTR
#define KTILE 4
#define WEIGHT_TILE_BYTES (96 * 1024)

KFN float f16at(const uint8_t *p)
{
	__fp16 h;
	memcpy(&h, p, 2);
	return (float)h;
}

KFN float f32at(const uint8_t *p)
{
	float f;
	memcpy(&f, p, 4);
	return f;
}

// dot16 adds the 16 products a·b to the four int32 lanes of acc.
KFN int32x4_t dot16(int32x4_t acc, int8x16_t a, int8x16_t b)
{
#if defined(KDOTPROD) && (defined(__ARM_FEATURE_DOTPROD) || !defined(__clang__))
	return vdotq_s32(acc, a, b);
#elif defined(KDOTPROD)
	// Older clang declares vdotq_s32 only when the whole file targets
	// dotprod; the instruction itself is allowed by the function's target.
	__asm__("sdot %0.4s, %1.16b, %2.16b" : "+w"(acc) : "w"(a), "w"(b));
	return acc;
#else
	acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(a), vget_low_s8(b)));
	return vpadalq_s16(acc, vmull_high_s8(a, b));
#endif
}

#include "kern_neon_legacy.h"
#include "kern_neon_kquants.h"
#include "kern_neon_float.h"

#define TILED(NAME, DOT, UNITS)                                                                        \
	KSTATIC void NAME(int n, const uint8_t *w, size_t rb, int rows, const uint8_t *acts, size_t as, \
			 int ntok, float *out, size_t os)                                              \
	{                                                                                              \
		const int units = UNITS;                                                               \
		if (ntok == 1) {                                                                       \
			for (int r = 0; r < rows; r++)                                                 \
				DOT(units, w + rb * (size_t)r, &acts, 1, out + r);                     \
			return;                                                                        \
		}                                                                                      \
		int rtile = (int)(WEIGHT_TILE_BYTES / (rb ? rb : 1));                                  \
		if (rtile < 1)                                                                         \
			rtile = 1;                                                                     \
		for (int r0 = 0; r0 < rows; r0 += rtile) {                                             \
			int r1 = r0 + rtile < rows ? r0 + rtile : rows;                                \
			for (int t0 = 0; t0 < ntok; t0 += KTILE) {                                     \
				const uint8_t *ap[KTILE];                                              \
				int nt = ntok - t0 < KTILE ? ntok - t0 : KTILE;                        \
				for (int t = 0; t < nt; t++)                                           \
					ap[t] = acts + as * (size_t)(t0 + t);                          \
				for (int r = r0; r < r1; r++) {                                        \
					float res[KTILE];                                              \
					const uint8_t *wr = w + rb * (size_t)r;                        \
					if (nt == KTILE)                                               \
						DOT(units, wr, ap, KTILE, res);                        \
					else                                                           \
						for (int t = 0; t < nt; t++)                           \
							DOT(units, wr, ap + t, 1, res + t);            \
					for (int t = 0; t < nt; t++)                                   \
						out[os * (size_t)(t0 + t) + r] = res[t];               \
				}                                                                      \
			}                                                                              \
		}                                                                                      \
	}

TILED(mm_q8_0, dot_q8_0, n / 32)
TILED(mm_q4_0, dot_q4_0, n / 32)
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

KATTR int KSUFFIX(hearth_matmul)(int type, int n, const uint8_t *w, size_t rb, int rows, const uint8_t *acts,
				  size_t as, int ntok, float *out, size_t os)
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

#include "kern_neon_quantize.h"
