// kern_x86_zmm.h: Q4_K and Q6_K kernels on 512-bit vectors for the AVX-512
// variant, included by kern_x86.h in place of the 256-bit ones. The scaled
// pair sums go through VNNI's vpdpwssd, which adds the products of 16-bit
// pairs to int32 lanes exactly, as vpmaddwd and vpaddd would. One zmm
// holds 64 codes, which in both formats are 64 consecutive elements, so a
// single 64-byte activation load pairs with them.

KFN __m512i join256(__m256i lo, __m256i hi) { return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1); }

// fold512 adds the two 256-bit halves of an int32 vector.
KFN __m256i fold512(__m512i v) { return _mm256_add_epi32(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1)); }

// dot_qk45 is the Q4_K kernel and, with five set, the Q5_K one: the same
// layout plus 32 bytes of fifth bits before the nibbles.
KFN void dot_qk45(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res, int five)
{
	const size_t bb = five ? 176 : 144;
	const int qoff = five ? 48 : 16;
	const __m512i bit0 = _mm512_set1_epi8(1), lowmask = _mm512_set1_epi8(0x0f);
	const __m512i nib_shift = join256(_mm256_setzero_si256(), _mm256_set1_epi16(4));
	// The fifth bits of the low half's codes are bit 2g of qh, the high
	// half's bit 2g+1.
	const __m512i fifth_shift = join256(_mm256_setzero_si256(), _mm256_set1_epi16(1));
	__m512i scale_ctrl[4];
	for (int g = 0; g < 4; g++) {
		const char lo = (char)(4 * g), hi = (char)(4 * g + 2);
		const __m256i c0 = _mm256_setr_epi8(lo, lo + 1, lo, lo + 1, lo, lo + 1, lo, lo + 1, lo, lo + 1, lo, lo + 1,
						    lo, lo + 1, lo, lo + 1, lo, lo + 1, lo, lo + 1, lo, lo + 1, lo, lo + 1,
						    lo, lo + 1, lo, lo + 1, lo, lo + 1, lo, lo + 1);
		const __m256i c1 = _mm256_setr_epi8(hi, hi + 1, hi, hi + 1, hi, hi + 1, hi, hi + 1, hi, hi + 1, hi, hi + 1,
						    hi, hi + 1, hi, hi + 1, hi, hi + 1, hi, hi + 1, hi, hi + 1, hi, hi + 1,
						    hi, hi + 1, hi, hi + 1, hi, hi + 1, hi, hi + 1);
		scale_ctrl[g] = join256(c0, c1);
	}
	__m256 acc[KTILE];
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		acc[t] = _mm256_setzero_ps();
	for (int i = 0; i < nb; i++) {
		const uint8_t *wb = w + bb * (size_t)i;
		__m512i qh512 = five ? _mm512_broadcast_i64x4(loadu(wb + 16)) : _mm512_setzero_si512();
		const float d = f16at(wb), dmin = f16at(wb + 2);
		uint32_t sc[2], mn[2];
		q4k_scales(wb + 4, sc, mn);
		// The eight scales as words in every 128-bit lane; group g takes
		// scale 2g for its low 256 bits and 2g+1 for its high ones.
		const __m512i sc16 = _mm512_broadcast_i32x4(
			_mm_cvtepu8_epi16(_mm_cvtsi64_si128((long long)((uint64_t)sc[1] << 32 | sc[0]))));
		__m256i mins16 = q4k_mins16(mn);
		__m512i sumi[KTILE];
		_Pragma("GCC unroll 8")
		for (int t = 0; t < N; t++)
			sumi[t] = _mm512_setzero_si512();
		_Pragma("GCC unroll 8")
		for (int g = 0; g < 4; g++) {
			// The 32 code bytes in both halves, shifted by 0 and 4: low
			// nibbles (elements 64g..64g+31) below, high ones above.
			__m512i q = _mm512_and_si512(_mm512_srlv_epi16(_mm512_broadcast_i64x4(loadu(wb + qoff + 32 * g)), nib_shift),
						     lowmask);
			if (five) {
				__m512i h = _mm512_and_si512(_mm512_srlv_epi16(qh512, fifth_shift), bit0);
				q = _mm512_or_si512(q, _mm512_slli_epi16(h, 4));
				qh512 = _mm512_srli_epi16(qh512, 2); // bits 2g+2, 2g+3 move down for the next pair
			}
			__m512i s = _mm512_shuffle_epi8(sc16, scale_ctrl[g]);
			_Pragma("GCC unroll 8")
			for (int t = 0; t < N; t++) {
				__m512i av = _mm512_loadu_si512(a[t] + 292 * (size_t)i + 4 + 64 * g);
				sumi[t] = _mm512_dpwssd_epi32(sumi[t], _mm512_maddubs_epi16(q, av), s);
			}
		}
		_Pragma("GCC unroll 8")
		for (int t = 0; t < N; t++) {
			const uint8_t *ab = a[t] + 292 * (size_t)i;
			const float da = f32at(ab);
			__m256i m = _mm256_madd_epi16(loadu(ab + 260), mins16);
			acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * da), _mm256_cvtepi32_ps(fold512(sumi[t])), acc[t]);
			acc[t] = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * da), _mm256_cvtepi32_ps(m), acc[t]);
		}
	}
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		res[t] = hsum8(acc[t]);
}

KFN void dot_q4_k(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res) { dot_qk45(nb, w, a, N, res, 0); }
KFN void dot_q5_k(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res) { dot_qk45(nb, w, a, N, res, 1); }

KFN void dot_q6_k(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res)
{
	const __m512i lowmask = _mm512_set1_epi8(0x0f), m30 = _mm512_set1_epi8(0x30);
	// Per 16-bit lane of the upper half of a 64-element group: the low 256
	// bits hold codes 0..31 of the half, the high 256 bits codes 32..63.
	const __m512i shl = join256(_mm256_set1_epi16(4), _mm256_set1_epi16(2));
	const __m512i shr = join256(_mm256_set1_epi16(0), _mm256_set1_epi16(2));
	// Scale index of each 16-bit product lane: a lane covers 2 elements,
	// 8 lanes share one 16-element scale.
	__m512i idx[4];
	for (int k = 0; k < 4; k++) {
		int16_t v[32];
		for (int l = 0; l < 32; l++)
			v[l] = (int16_t)(4 * k + l / 8);
		idx[k] = _mm512_loadu_si512(v);
	}
	__m256 acc[KTILE];
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		acc[t] = _mm256_setzero_ps();
	for (int i = 0; i < nb; i++) {
		const uint8_t *wb = w + 210 * (size_t)i;
		const float d = f16at(wb + 208);
		__m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(wb + 192)));
		__m512i scz = _mm512_castsi256_si512(sc16);
		__m512i sumi[KTILE];
		_Pragma("GCC unroll 8")
		for (int t = 0; t < N; t++)
			sumi[t] = _mm512_setzero_si512();
		_Pragma("GCC unroll 8")
		for (int h = 0; h < 2; h++) {
			__m512i l = _mm512_loadu_si512(wb + 64 * h);
			__m512i hb = _mm512_broadcast_i64x4(loadu(wb + 128 + 32 * h));
			// Values 0..63; −32 is applied per block through bsums.
			__m512i q01 = _mm512_or_si512(_mm512_and_si512(l, lowmask), _mm512_and_si512(_mm512_sllv_epi16(hb, shl), m30));
			__m512i q23 = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(l, 4), lowmask),
						      _mm512_and_si512(_mm512_srlv_epi16(hb, shr), m30));
			__m512i s01 = _mm512_permutexvar_epi16(idx[2 * h], scz);
			__m512i s23 = _mm512_permutexvar_epi16(idx[2 * h + 1], scz);
			_Pragma("GCC unroll 8")
			for (int t = 0; t < N; t++) {
				const uint8_t *aq = a[t] + 292 * (size_t)i + 4 + 128 * h;
				sumi[t] = _mm512_dpwssd_epi32(sumi[t], _mm512_maddubs_epi16(q01, _mm512_loadu_si512(aq)), s01);
				sumi[t] = _mm512_dpwssd_epi32(sumi[t], _mm512_maddubs_epi16(q23, _mm512_loadu_si512(aq + 64)), s23);
			}
		}
		_Pragma("GCC unroll 8")
		for (int t = 0; t < N; t++) {
			const uint8_t *ab = a[t] + 292 * (size_t)i;
			__m256i corr = _mm256_madd_epi16(loadu(ab + 260), sc16);
			__m256i si = _mm256_sub_epi32(fold512(sumi[t]), _mm256_slli_epi32(corr, 5));
			acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * f32at(ab)), _mm256_cvtepi32_ps(si), acc[t]);
		}
	}
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		res[t] = hsum8(acc[t]);
}
