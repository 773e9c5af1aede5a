// kern_x86_quantize.h: the activation quantizers. Part of kern_x86.h.

// ---- activation quantizers, bit-identical to package quant ----

// round_bits returns the float bits of v + 1.5·2^23: for |v| < 2^22 the low
// 23 bits minus 2^22 are v rounded half to even (quant's nearestInt, kept
// literally so that out-of-range inputs give the same bytes too).
KFN __m256i round_bits(__m256 v)
{
	// The empty asm keeps the compiler from fusing the caller's product
	// into this addition (an FMA would round differently from quant).
	__asm__("" : "+x"(v));
	return _mm256_castps_si256(_mm256_add_ps(v, _mm256_set1_ps(12582912.0f)));
}

KFN __m256i nearest_int(__m256 v)
{
	__m256i b = _mm256_and_si256(round_bits(v), _mm256_set1_epi32(0x7fffff));
	return _mm256_sub_epi32(b, _mm256_set1_epi32(0x400000));
}

// pack_low_bytes stores the low byte of each int32 lane of q[0..3] (32
// lanes) in order.
KFN void pack_low_bytes(const __m256i *q, uint8_t *dst)
{
	const __m256i ff = _mm256_set1_epi32(0xff);
	__m256i p01 = _mm256_packus_epi32(_mm256_and_si256(q[0], ff), _mm256_and_si256(q[1], ff));
	__m256i p23 = _mm256_packus_epi32(_mm256_and_si256(q[2], ff), _mm256_and_si256(q[3], ff));
	__m256i p = _mm256_packus_epi16(p01, p23);
	p = _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
	_mm256_storeu_si256((__m256i *)dst, p);
}

// abs_max_32 returns max|x| over 32 floats; NaNs are skipped, as in quant.
KFN float abs_max_32(const float *x)
{
	const __m256 signmask = _mm256_set1_ps(-0.0f);
	__m256 m = _mm256_setzero_ps();
	for (int j = 0; j < 32; j += 8)
		m = _mm256_max_ps(_mm256_andnot_ps(signmask, _mm256_loadu_ps(x + j)), m);
	__m128 s = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
	s = _mm_max_ps(s, _mm_movehl_ps(s, s));
	s = _mm_max_ss(s, _mm_movehdup_ps(s));
	return _mm_cvtss_f32(s);
}

KFN void put_f16(uint8_t *p, float f)
{
	uint16_t h = _cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT);
	memcpy(p, &h, 2);
}

KSTATIC void quantize_q8_0(const float *src, uint8_t *dst, int nb, int with_sum)
{
	const int qoff = with_sum ? 4 : 2, bytes = with_sum ? 36 : 34;
	for (int i = 0; i < nb; i++) {
		const float *x = src + 32 * (size_t)i;
		uint8_t *b = dst + bytes * (size_t)i;
		float amax = abs_max_32(x);
		float d = amax / 127.0f;
		float id = amax != 0 ? 127.0f / amax : 0.0f;
		put_f16(b, d);
		__m256i q[4];
		__m256i sum = _mm256_setzero_si256();
		for (int k = 0; k < 4; k++) {
			q[k] = nearest_int(_mm256_mul_ps(_mm256_loadu_ps(x + 8 * k), _mm256_set1_ps(id)));
			sum = _mm256_add_epi32(sum, q[k]);
		}
		pack_low_bytes(q, b + qoff);
		if (with_sum) {
			__m128i s = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
			s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
			s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
			put_f16(b + 2, d * (float)_mm_cvtsi128_si32(s));
		}
	}
}

KSTATIC void quantize_q8_k(const float *src, uint8_t *dst, int nb)
{
	for (int i = 0; i < nb; i++) {
		const float *x = src + 256 * (size_t)i;
		uint8_t *b = dst + 292 * (size_t)i;
		float amax = 0;
		for (int j = 0; j < 256; j += 32) {
			float m = abs_max_32(x + j);
			if (m > amax)
				amax = m;
		}
		if (amax == 0) {
			memset(b, 0, 292);
			continue;
		}
		// quant keeps the first element of largest magnitude, with its sign.
		float max = 0;
		for (int j = 0; j < 256; j++) {
			if (x[j] == amax || x[j] == -amax) {
				max = x[j];
				break;
			}
		}
		const float iscale = -127.0f / max;
		const __m256 vs = _mm256_set1_ps(iscale);
		const __m256i top = _mm256_set1_epi32(127);
		for (int j = 0; j < 256; j += 32) {
			__m256i q[4];
			for (int k = 0; k < 4; k++)
				q[k] = _mm256_min_epi32(nearest_int(_mm256_mul_ps(_mm256_loadu_ps(x + j + 8 * k), vs)), top);
			pack_low_bytes(q, b + 4 + j);
		}
		for (int g = 0; g < 16; g++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(b + 4 + 16 * g));
			__m128i s = _mm_madd_epi16(_mm_maddubs_epi16(_mm_set1_epi8(1), v), _mm_set1_epi16(1));
			s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
			s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
			int16_t bs = (int16_t)_mm_cvtsi128_si32(s);
			memcpy(b + 260 + 2 * g, &bs, 2);
		}
		float d = 1.0f / iscale;
		memcpy(b, &d, 4);
	}
}

__attribute__((target(KTARGET))) int KSUFFIX(hearth_quantize)(int type, const float *src, uint8_t *dst, int n)
{
	switch (type) {
	case HT_Q8_0:
		quantize_q8_0(src, dst, n / 32, 0);
		return 0;
	case HT_Q8_1:
		quantize_q8_0(src, dst, n / 32, 1);
		return 0;
	case HT_Q8_K:
		quantize_q8_k(src, dst, n / 256);
		return 0;
	}
	return -1;
}
