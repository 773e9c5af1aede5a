// kern_neon_legacy.h: the 32-element formats (Q8_0, Q4_0, Q4_1, Q5_0, Q5_1,
// IQ4_NL) against Q8_0 / Q8_1. Part of kern_neon.h.

KFN void dot_q8_0(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res)
{
	float32x4_t acc[KTILE];
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		acc[t] = vdupq_n_f32(0);
	for (int i = 0; i < nb; i++) {
		const uint8_t *wb = w + 34 * (size_t)i;
		int8x16_t w0 = vld1q_s8((const int8_t *)wb + 2), w1 = vld1q_s8((const int8_t *)wb + 18);
		float dw = f16at(wb);
		_Pragma("GCC unroll 8")
		for (int t = 0; t < N; t++) {
			const uint8_t *ab = a[t] + 34 * (size_t)i;
			int32x4_t s = dot16(vdupq_n_s32(0), w0, vld1q_s8((const int8_t *)ab + 2));
			s = dot16(s, w1, vld1q_s8((const int8_t *)ab + 18));
			acc[t] = vmlaq_n_f32(acc[t], vcvtq_f32_s32(s), dw * f16at(ab));
		}
	}
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		res[t] = vaddvq_f32(acc[t]);
}

KFN void dot_q4_0(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res)
{
	const uint8x16_t lowmask = vdupq_n_u8(0x0f);
	const int8x16_t eight = vdupq_n_s8(8);
	float32x4_t acc[KTILE];
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		acc[t] = vdupq_n_f32(0);
	for (int i = 0; i < nb; i++) {
		const uint8_t *wb = w + 18 * (size_t)i;
		uint8x16_t raw = vld1q_u8(wb + 2);
		int8x16_t lo = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(raw, lowmask)), eight);
		int8x16_t hi = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(raw, 4)), eight);
		float dw = f16at(wb);
		_Pragma("GCC unroll 8")
		for (int t = 0; t < N; t++) {
			const uint8_t *ab = a[t] + 34 * (size_t)i;
			int32x4_t s = dot16(vdupq_n_s32(0), lo, vld1q_s8((const int8_t *)ab + 2));
			s = dot16(s, hi, vld1q_s8((const int8_t *)ab + 18));
			acc[t] = vmlaq_n_f32(acc[t], vcvtq_f32_s32(s), dw * f16at(ab));
		}
	}
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		res[t] = vaddvq_f32(acc[t]);
}

// ---- the other 32-element formats ----

// codes32 holds a 32-element block's codes in element order.
typedef struct {
	int8x16_t lo, hi;
} codes32;

KFN codes32 nibbles32(const uint8_t *p)
{
	uint8x16_t raw = vld1q_u8(p);
	codes32 c = {vreinterpretq_s8_u8(vandq_u8(raw, vdupq_n_u8(0x0f))), vreinterpretq_s8_u8(vshrq_n_u8(raw, 4))};
	return c;
}

// with_fifth_bits adds 16 to code j where bit j of the 32-bit mask at p is
// set: the fifth bits of Q5_0/Q5_1.
KFN codes32 with_fifth_bits(codes32 c, const uint8_t *p)
{
	uint32_t qh;
	memcpy(&qh, p, 4);
	const uint8x16_t bits = vreinterpretq_u8_u64(vdupq_n_u64(0x8040201008040201ULL));
	uint8x8_t b4 = vcreate_u8(qh);
	uint8x16_t lo = vcombine_u8(vdup_lane_u8(b4, 0), vdup_lane_u8(b4, 1));
	uint8x16_t hi = vcombine_u8(vdup_lane_u8(b4, 2), vdup_lane_u8(b4, 3));
	const uint8x16_t sixteen = vdupq_n_u8(0x10);
	c.lo = vorrq_s8(c.lo, vreinterpretq_s8_u8(vandq_u8(vtstq_u8(lo, bits), sixteen)));
	c.hi = vorrq_s8(c.hi, vreinterpretq_s8_u8(vandq_u8(vtstq_u8(hi, bits), sixteen)));
	return c;
}

static const int8_t iq4_values[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

KFN codes32 iq4_lookup(codes32 c)
{
	const int8x16_t book = vld1q_s8(iq4_values);
	c.lo = vqtbl1q_s8(book, vreinterpretq_u8_s8(c.lo));
	c.hi = vqtbl1q_s8(book, vreinterpretq_u8_s8(c.hi));
	return c;
}

KFN codes32 codes_q5_0(const uint8_t *wb)
{
	codes32 c = with_fifth_bits(nibbles32(wb + 6), wb + 2);
	c.lo = vsubq_s8(c.lo, vdupq_n_s8(16));
	c.hi = vsubq_s8(c.hi, vdupq_n_s8(16));
	return c;
}
KFN codes32 codes_iq4_nl(const uint8_t *wb) { return iq4_lookup(nibbles32(wb + 2)); }
KFN codes32 codes_q4_1(const uint8_t *wb) { return nibbles32(wb + 4); }
KFN codes32 codes_q5_1(const uint8_t *wb) { return with_fifth_bits(nibbles32(wb + 8), wb + 4); }

// DOT32 is the body of the 32-element kernels: BYTES-byte weight blocks
// with codes CODES(wb) times Q8_0 (ABYTES 34, no offset) or Q8_1 (ABYTES
// 36, where x = d·q + m and the activation's s = d_a·Σq_a carries m).
#define DOT32(NAME, BYTES, CODES, ABYTES)                                                              \
	KFN void NAME(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res)           \
	{                                                                                              \
		const int qoff = ABYTES - 32;                                                          \
		float32x4_t acc[KTILE];                                                                \
		float offs[KTILE];                                                                     \
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)                                    \
		{                                                                                      \
			acc[t] = vdupq_n_f32(0);                                                       \
			offs[t] = 0;                                                                   \
		}                                                                                      \
		for (int i = 0; i < nb; i++) {                                                         \
			const uint8_t *wb = w + BYTES * (size_t)i;                                     \
			codes32 c = CODES(wb);                                                         \
			float dw = f16at(wb);                                                          \
			_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)                            \
			{                                                                              \
				const uint8_t *ab = a[t] + ABYTES * (size_t)i;                         \
				int32x4_t s = dot16(vdupq_n_s32(0), c.lo, vld1q_s8((const int8_t *)ab + qoff)); \
				s = dot16(s, c.hi, vld1q_s8((const int8_t *)ab + qoff + 16));          \
				acc[t] = vmlaq_n_f32(acc[t], vcvtq_f32_s32(s), dw * f16at(ab));        \
				if (ABYTES == 36)                                                      \
					offs[t] += f16at(wb + 2) * f16at(ab + 2);                      \
			}                                                                              \
		}                                                                                      \
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) res[t] = vaddvq_f32(acc[t]) + offs[t]; \
	}

DOT32(dot_q5_0, 22, codes_q5_0, 34)
DOT32(dot_iq4_nl, 18, codes_iq4_nl, 34)
DOT32(dot_q4_1, 20, codes_q4_1, 36)
DOT32(dot_q5_1, 24, codes_q5_1, 36)
