// kern_x86_legacy.h: the 32-element formats (Q8_0, Q4_0, Q5_0, IQ4_NL
// against Q8_0; Q4_1, Q5_1 against Q8_1). Part of kern_x86.h.
//
// A 32-element block is little work, so one float accumulator per token
// would make the FMA latency the limit of a matrix-vector product: even
// and odd blocks go to two accumulators instead.

KFN __m256i nibbles32(const uint8_t *p)
{
	__m128i raw = _mm_loadu_si128((const __m128i *)p);
	return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(raw, 4), raw), _mm256_set1_epi8(0x0f));
}

// fifth_bits returns 0x10 in byte j where bit j of the 32-bit mask at p is
// set: the fifth bits of Q5_0/Q5_1, in element order.
KFN __m256i fifth_bits(const uint8_t *p)
{
	uint32_t qh;
	memcpy(&qh, p, 4);
	const __m256i shuf = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
					      2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
	const __m256i bm = _mm256_set1_epi64x(0x8040201008040201);
	__m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)qh), shuf);
	return _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(v, bm), bm), _mm256_set1_epi8(0x10));
}

KFN __m256i iq4_codebook(void)
{
	return _mm256_setr_epi8(-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113,
				-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113);
}

// The 32 codes of one weight block, in element order.
KFN __m256i codes_q8_0(const uint8_t *wb) { return loadu(wb + 2); }
KFN __m256i codes_q4_0(const uint8_t *wb) { return _mm256_sub_epi8(nibbles32(wb + 2), _mm256_set1_epi8(8)); }
KFN __m256i codes_q5_0(const uint8_t *wb)
{
	return _mm256_sub_epi8(_mm256_or_si256(nibbles32(wb + 6), fifth_bits(wb + 2)), _mm256_set1_epi8(16));
}
KFN __m256i codes_iq4_nl(const uint8_t *wb) { return _mm256_shuffle_epi8(iq4_codebook(), nibbles32(wb + 2)); }
KFN __m256i codes_q4_1(const uint8_t *wb) { return nibbles32(wb + 4); }
KFN __m256i codes_q5_1(const uint8_t *wb) { return _mm256_or_si256(nibbles32(wb + 8), fifth_bits(wb + 4)); }

// SIGNED32 defines the kernel of signed codes (CODES, BYTES-byte blocks)
// times Q8_0: Σ q·a by the sign trick (|q| times a with q's sign), scaled
// by d_w·d_a per block.
#define SIGNED32(NAME, BYTES, CODES)                                                                    \
	KFN void NAME##_block(const uint8_t *wb, const uint8_t *const *a, size_t i, int N, __m256 *acc) \
	{                                                                                               \
		__m256i q = CODES(wb);                                                                  \
		__m256i aw = _mm256_sign_epi8(q, q);                                                    \
		float dw = f16at(wb);                                                                   \
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)                                     \
		{                                                                                       \
			const uint8_t *ab = a[t] + 34 * i;                                              \
			__m256i p = dot_us(_mm256_setzero_si256(), aw, _mm256_sign_epi8(loadu(ab + 2), q)); \
			acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dw * f16at(ab)), _mm256_cvtepi32_ps(p), acc[t]); \
		}                                                                                       \
	}                                                                                               \
	KFN void NAME(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res)            \
	{                                                                                               \
		__m256 even[KTILE], odd[KTILE];                                                         \
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) even[t] = odd[t] = _mm256_setzero_ps(); \
		int i = 0;                                                                              \
		for (; i + 2 <= nb; i += 2) {                                                           \
			NAME##_block(w + BYTES * (size_t)i, a, (size_t)i, N, even);                     \
			NAME##_block(w + BYTES * (size_t)(i + 1), a, (size_t)(i + 1), N, odd);          \
		}                                                                                       \
		if (i < nb)                                                                             \
			NAME##_block(w + BYTES * (size_t)i, a, (size_t)i, N, even);                     \
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) res[t] = hsum8(_mm256_add_ps(even[t], odd[t])); \
	}

SIGNED32(dot_q8_0, 34, codes_q8_0)
SIGNED32(dot_q4_0, 18, codes_q4_0)
SIGNED32(dot_q5_0, 22, codes_q5_0)
SIGNED32(dot_iq4_nl, 18, codes_iq4_nl)

// UNSIGNED32 defines the kernel of codes 0..31 with an offset (x = d·q + m)
// times Q8_1, whose s = d_a·Σq_a carries the offset: d_w·d_a·Σ q·a + m·s.
#define UNSIGNED32(NAME, BYTES, CODES)                                                                             \
	KFN void NAME##_block(const uint8_t *wb, const uint8_t *const *a, size_t i, int N, __m256 *acc, float *offs) \
	{                                                                                                          \
		__m256i q = CODES(wb);                                                                             \
		float dw = f16at(wb), mw = f16at(wb + 2);                                                          \
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)                                                \
		{                                                                                                  \
			const uint8_t *ab = a[t] + 36 * i;                                                         \
			__m256i p = dot_us(_mm256_setzero_si256(), q, loadu(ab + 4));                              \
			acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dw * f16at(ab)), _mm256_cvtepi32_ps(p), acc[t]);   \
			offs[t] += mw * f16at(ab + 2);                                                             \
		}                                                                                                  \
	}                                                                                                          \
	KFN void NAME(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res)                       \
	{                                                                                                          \
		__m256 even[KTILE], odd[KTILE];                                                                    \
		float offs[KTILE];                                                                                 \
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)                                                \
		{                                                                                                  \
			even[t] = odd[t] = _mm256_setzero_ps();                                                    \
			offs[t] = 0;                                                                               \
		}                                                                                                  \
		int i = 0;                                                                                         \
		for (; i + 2 <= nb; i += 2) {                                                                      \
			NAME##_block(w + BYTES * (size_t)i, a, (size_t)i, N, even, offs);                          \
			NAME##_block(w + BYTES * (size_t)(i + 1), a, (size_t)(i + 1), N, odd, offs);               \
		}                                                                                                  \
		if (i < nb)                                                                                        \
			NAME##_block(w + BYTES * (size_t)i, a, (size_t)i, N, even, offs);                          \
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) res[t] = hsum8(_mm256_add_ps(even[t], odd[t])) + offs[t]; \
	}

UNSIGNED32(dot_q4_1, 20, codes_q4_1)
UNSIGNED32(dot_q5_1, 24, codes_q5_1)
