// AVX-512 kernels: the AVX2 code with VNNI dot products and, thanks to 32
// vector registers, tiles of 8 tokens in the prefill matmul.
#define KTARGET "avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni"
#define KSUFFIX(name) name##_avx512
#define KVNNI 1
#define KTILE 8
#define KZMM 1
#include "kern_x86.h"

// BF16 rows with AVX512_BF16, where present: vdpbf16ps multiplies bf16
// pairs exactly and adds them in f32 with round-to-nearest, as an FMA
// would; unlike the FMA path it treats subnormal inputs as zero, a
// difference far below the rounding of any realistic row.
#define BF16TARGET KTARGET ",avx512bf16"

__attribute__((always_inline, target(BF16TARGET))) static inline void dot_bf16_dp(int n, const uint8_t *w,
										      const uint8_t *const *a, int N,
										      float *res)
{
	__m512 acc0[KTILE], acc1[KTILE];
	_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) acc0[t] = acc1[t] = _mm512_setzero_ps();
	int i = 0;
	for (; i + 64 <= n; i += 64) {
		__m512bh w0 = (__m512bh)_mm512_loadu_si512(w + 2 * i), w1 = (__m512bh)_mm512_loadu_si512(w + 2 * i + 64);
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)
		{
			acc0[t] = _mm512_dpbf16_ps(acc0[t], w0, (__m512bh)_mm512_loadu_si512(a[t] + 2 * i));
			acc1[t] = _mm512_dpbf16_ps(acc1[t], w1, (__m512bh)_mm512_loadu_si512(a[t] + 2 * i + 64));
		}
	}
	_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)
	{
		float s = _mm512_reduce_add_ps(_mm512_add_ps(acc0[t], acc1[t]));
		for (int j = i; j < n; j++)
			s += scalar_bf16(w + 2 * j) * scalar_bf16(a[t] + 2 * j);
		res[t] = s;
	}
}

#undef KSTATIC
#define KSTATIC static __attribute__((target(BF16TARGET)))
TILED(mm_bf16_dp, dot_bf16_dp, n)

__attribute__((target(BF16TARGET))) int hearth_matmul_avx512bf16(int type, int n, const uint8_t *w, size_t rb, int rows,
								 const uint8_t *acts, size_t as, int ntok, float *out,
								 size_t os)
{
	if (type != HT_BF16)
		return hearth_matmul_avx512(type, n, w, rb, rows, acts, as, ntok, out, os);
	mm_bf16_dp(n, w, rb, rows, acts, as, ntok, out, os);
	return 0;
}
