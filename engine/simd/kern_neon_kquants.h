// kern_neon_kquants.h: the 256-element formats (Q2_K..Q6_K, IQ4_XS)
// against Q8_K. Part of kern_neon.h.

// dot_qk45 is the Q4_K kernel and, with five set, the Q5_K one: the same
// layout plus 32 bytes of fifth bits before the nibbles.
KFN void dot_qk45(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res, int five)
{
	const size_t bb = five ? 176 : 144;
	const int qoff = five ? 48 : 16;
	const uint8x16_t bit0 = vdupq_n_u8(1), bit1 = vdupq_n_u8(2);
	const uint8x16_t lowmask = vdupq_n_u8(0x0f);
	float32x4_t acc[KTILE];
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		acc[t] = vdupq_n_f32(0);
	for (int i = 0; i < nb; i++) {
		const uint8_t *wb = w + bb * (size_t)i;
		uint8x16_t qh0 = vdupq_n_u8(0), qh1 = vdupq_n_u8(0);
		if (five) {
			qh0 = vld1q_u8(wb + 16);
			qh1 = vld1q_u8(wb + 32);
		}
		const float d = f16at(wb), dmin = f16at(wb + 2);
		uint32_t u[3];
		memcpy(u, wb + 4, 12);
		// Six-bit scales and mins, unpacked as in package quant's kScaleMin.
		uint32_t sc[2] = {u[0] & 0x3f3f3f3f, (u[2] & 0x0f0f0f0f) | ((u[0] >> 6) & 0x03030303) << 4};
		uint32_t mn[2] = {u[1] & 0x3f3f3f3f, ((u[2] >> 4) & 0x0f0f0f0f) | ((u[1] >> 6) & 0x03030303) << 4};
		const uint8_t *scb = (const uint8_t *)sc;
		// Each min covers two 16-sums of the activation block.
		int16x8_t mins = vreinterpretq_s16_u16(vmovl_u8(vcreate_u8((uint64_t)mn[0] | (uint64_t)mn[1] << 32)));
		int32x4_t sumi[KTILE];
		_Pragma("GCC unroll 8")
		for (int t = 0; t < N; t++)
			sumi[t] = vdupq_n_s32(0);
		for (int g = 0; g < 4; g++) {
			uint8x16_t q0 = vld1q_u8(wb + qoff + 32 * g), q1 = vld1q_u8(wb + qoff + 16 + 32 * g);
			uint8x16_t ul0 = vandq_u8(q0, lowmask), ul1 = vandq_u8(q1, lowmask);
			uint8x16_t uh0 = vshrq_n_u8(q0, 4), uh1 = vshrq_n_u8(q1, 4);
			if (five) {
				ul0 = vorrq_u8(ul0, vshlq_n_u8(vandq_u8(qh0, bit0), 4));
				ul1 = vorrq_u8(ul1, vshlq_n_u8(vandq_u8(qh1, bit0), 4));
				uh0 = vorrq_u8(uh0, vshlq_n_u8(vandq_u8(qh0, bit1), 3));
				uh1 = vorrq_u8(uh1, vshlq_n_u8(vandq_u8(qh1, bit1), 3));
				qh0 = vshrq_n_u8(qh0, 2); // bits 2g+2, 2g+3 move down for the next pair
				qh1 = vshrq_n_u8(qh1, 2);
			}
			int8x16_t l0 = vreinterpretq_s8_u8(ul0), l1 = vreinterpretq_s8_u8(ul1);
			int8x16_t h0 = vreinterpretq_s8_u8(uh0), h1 = vreinterpretq_s8_u8(uh1);
			const int32_t s0 = scb[2 * g], s1 = scb[2 * g + 1];
			_Pragma("GCC unroll 8")
			for (int t = 0; t < N; t++) {
				const int8_t *aq = (const int8_t *)a[t] + 292 * (size_t)i + 4 + 64 * g;
				int32x4_t p = dot16(dot16(vdupq_n_s32(0), l0, vld1q_s8(aq)), l1, vld1q_s8(aq + 16));
				int32x4_t q = dot16(dot16(vdupq_n_s32(0), h0, vld1q_s8(aq + 32)), h1, vld1q_s8(aq + 48));
				sumi[t] = vmlaq_n_s32(vmlaq_n_s32(sumi[t], p, s0), q, s1);
			}
		}
		_Pragma("GCC unroll 8")
		for (int t = 0; t < N; t++) {
			const uint8_t *ab = a[t] + 292 * (size_t)i;
			const float da = f32at(ab);
			int16x8x2_t bs = vld2q_s16((const int16_t *)(ab + 260)); // even and odd 16-sums
			int16x8_t pair = vaddq_s16(bs.val[0], bs.val[1]);
			int32x4_t m = vmull_s16(vget_low_s16(pair), vget_low_s16(mins));
			m = vmlal_high_s16(m, pair, mins);
			acc[t] = vmlaq_n_f32(acc[t], vcvtq_f32_s32(sumi[t]), d * da);
			acc[t] = vmlsq_n_f32(acc[t], vcvtq_f32_s32(m), dmin * da);
		}
	}
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		res[t] = vaddvq_f32(acc[t]);
}

KFN void dot_q4_k(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res) { dot_qk45(nb, w, a, N, res, 0); }
KFN void dot_q5_k(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res) { dot_qk45(nb, w, a, N, res, 1); }

KFN void dot_q6_k(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res)
{
	const uint8x16_t lowmask = vdupq_n_u8(0x0f), m30 = vdupq_n_u8(0x30);
	float32x4_t acc[KTILE];
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		acc[t] = vdupq_n_f32(0);
	for (int i = 0; i < nb; i++) {
		const uint8_t *wb = w + 210 * (size_t)i;
		const int8_t *sc = (const int8_t *)(wb + 192);
		const float d = f16at(wb + 208);
		int8x16_t scv = vld1q_s8(sc);
		int16x8_t sclo = vmovl_s8(vget_low_s8(scv)), schi = vmovl_high_s8(scv);
		int32x4_t sumi[KTILE];
		_Pragma("GCC unroll 8")
		for (int t = 0; t < N; t++)
			sumi[t] = vdupq_n_s32(0);
		for (int h = 0; h < 2; h++) {
			for (int k = 0; k < 2; k++) { // 16-byte halves of the 32-byte rows
				uint8x16_t l0 = vld1q_u8(wb + 64 * h + 16 * k), l1 = vld1q_u8(wb + 64 * h + 32 + 16 * k);
				uint8x16_t hb = vld1q_u8(wb + 128 + 32 * h + 16 * k);
				// Values 0..63; −32 is applied per block through bsums.
				int8x16_t q[4];
				q[0] = vreinterpretq_s8_u8(vorrq_u8(vandq_u8(l0, lowmask), vandq_u8(vshlq_n_u8(hb, 4), m30)));
				q[1] = vreinterpretq_s8_u8(vorrq_u8(vandq_u8(l1, lowmask), vandq_u8(vshlq_n_u8(hb, 2), m30)));
				q[2] = vreinterpretq_s8_u8(vorrq_u8(vshrq_n_u8(l0, 4), vandq_u8(hb, m30)));
				q[3] = vreinterpretq_s8_u8(vorrq_u8(vshrq_n_u8(l1, 4), vandq_u8(vshrq_n_u8(hb, 2), m30)));
				for (int j = 0; j < 4; j++) {
					// elements 128h + 32j + 16k .. +15 share scale 8h + 2j + k
					const int32_t s = sc[8 * h + 2 * j + k];
					_Pragma("GCC unroll 8")
					for (int t = 0; t < N; t++) {
						const int8_t *aq = (const int8_t *)a[t] + 292 * (size_t)i + 4 + 128 * h + 32 * j + 16 * k;
						sumi[t] = vmlaq_n_s32(sumi[t], dot16(vdupq_n_s32(0), q[j], vld1q_s8(aq)), s);
					}
				}
			}
		}
		_Pragma("GCC unroll 8")
		for (int t = 0; t < N; t++) {
			const uint8_t *ab = a[t] + 292 * (size_t)i;
			int16x8_t b0 = vld1q_s16((const int16_t *)(ab + 260)), b1 = vld1q_s16((const int16_t *)(ab + 276));
			int32x4_t corr = vmull_s16(vget_low_s16(b0), vget_low_s16(sclo));
			corr = vmlal_high_s16(corr, b0, sclo);
			corr = vmlal_s16(corr, vget_low_s16(b1), vget_low_s16(schi));
			corr = vmlal_high_s16(corr, b1, schi);
			int32x4_t si = vsubq_s32(sumi[t], vshlq_n_s32(corr, 5));
			acc[t] = vmlaq_n_f32(acc[t], vcvtq_f32_s32(si), d * f32at(ab));
		}
	}
	_Pragma("GCC unroll 8")
	for (int t = 0; t < N; t++)
		res[t] = vaddvq_f32(acc[t]);
}

// ---- IQ4_XS, Q2_K, Q3_K x Q8_K ----

KFN void dot_iq4_xs(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res)
{
	float32x4_t acc[KTILE];
	_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) acc[t] = vdupq_n_f32(0);
	for (int i = 0; i < nb; i++) {
		const uint8_t *wb = w + 136 * (size_t)i;
		const float d = f16at(wb);
		uint16_t sh;
		memcpy(&sh, wb + 2, 2);
		int32x4_t sumi[KTILE];
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) sumi[t] = vdupq_n_s32(0);
		for (int b = 0; b < 8; b++) {
			const int32_t ls = ((wb[4 + b / 2] >> (4 * (b % 2))) & 0xf) | (((sh >> (2 * b)) & 3) << 4);
			codes32 c = iq4_lookup(nibbles32(wb + 8 + 16 * b));
			_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)
			{
				const int8_t *aq = (const int8_t *)a[t] + 292 * (size_t)i + 4 + 32 * b;
				int32x4_t p = dot16(dot16(vdupq_n_s32(0), c.lo, vld1q_s8(aq)), c.hi, vld1q_s8(aq + 16));
				sumi[t] = vmlaq_n_s32(sumi[t], p, ls - 32);
			}
		}
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)
			acc[t] = vmlaq_n_f32(acc[t], vcvtq_f32_s32(sumi[t]), d * f32at(a[t] + 292 * (size_t)i));
	}
	_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) res[t] = vaddvq_f32(acc[t]);
}

// group_sums returns Σ_g bsums[g]·s[g] over the 16 activation 16-sums.
KFN int32x4_t group_sums(const uint8_t *ab, int16x8_t s_lo, int16x8_t s_hi)
{
	int16x8_t b0 = vld1q_s16((const int16_t *)(ab + 260)), b1 = vld1q_s16((const int16_t *)(ab + 276));
	int32x4_t r = vmull_s16(vget_low_s16(b0), vget_low_s16(s_lo));
	r = vmlal_high_s16(r, b0, s_lo);
	r = vmlal_s16(r, vget_low_s16(b1), vget_low_s16(s_hi));
	return vmlal_high_s16(r, b1, s_hi);
}

// K2_3 is the body of Q2_K and Q3_K: 2-bit codes, in Q3_K with a third
// bit from hmask; per 16 elements a scale; Q2_K subtracts dmin·Σ min·bsum,
// Q3_K shifts its codes by −4 through the same block sums.
KFN void dot_k23(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res, int three)
{
	const size_t bb = three ? 110 : 84;
	float32x4_t acc[KTILE];
	_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) acc[t] = vdupq_n_f32(0);
	for (int i = 0; i < nb; i++) {
		const uint8_t *wb = w + bb * (size_t)i;
		const uint8_t *qs = wb + (three ? 32 : 16);
		int8_t S[16];
		float d, dmin = 0;
		int16x8_t m_lo, m_hi;
		if (three) {
			uint32_t u[3], v[4];
			memcpy(u, wb + 96, 12);
			v[0] = (u[0] & 0x0f0f0f0f) | (u[2] & 0x03030303) << 4;
			v[1] = (u[1] & 0x0f0f0f0f) | ((u[2] >> 2) & 0x03030303) << 4;
			v[2] = ((u[0] >> 4) & 0x0f0f0f0f) | ((u[2] >> 4) & 0x03030303) << 4;
			v[3] = ((u[1] >> 4) & 0x0f0f0f0f) | ((u[2] >> 6) & 0x03030303) << 4;
			int8x16_t sv = vsubq_s8(vreinterpretq_s8_u32(vld1q_u32(v)), vdupq_n_s8(32));
			vst1q_s8(S, sv);
			m_lo = vmovl_s8(vget_low_s8(sv));
			m_hi = vmovl_high_s8(sv);
			d = f16at(wb + 108);
		} else {
			uint8x16_t sc = vld1q_u8(wb);
			vst1q_s8(S, vreinterpretq_s8_u8(vandq_u8(sc, vdupq_n_u8(0x0f))));
			uint8x16_t mins = vshrq_n_u8(sc, 4);
			m_lo = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(mins)));
			m_hi = vreinterpretq_s16_u16(vmovl_high_u8(mins));
			d = f16at(wb + 80);
			dmin = f16at(wb + 82);
		}
		int32x4_t sumi[KTILE];
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) sumi[t] = vdupq_n_s32(0);
		for (int h = 0; h < 2; h++) {
			for (int p = 0; p < 2; p++) {
				uint8x16_t qv = vld1q_u8(qs + 32 * h + 16 * p);
				uint8x16_t hm = three ? vld1q_u8(wb + 16 * p) : vdupq_n_u8(0);
				for (int j = 0; j < 4; j++) {
					// Elements 128h+32j+16p..+15: bits 2j..2j+1 of the bytes.
					uint8x16_t q = vandq_u8(vshlq_u8(qv, vdupq_n_s8((int8_t)(-2 * j))), vdupq_n_u8(3));
					if (three) {
						uint8x16_t hb = vandq_u8(vshlq_u8(hm, vdupq_n_s8((int8_t)(-(4 * h + j)))), vdupq_n_u8(1));
						q = vorrq_u8(q, vshlq_n_u8(hb, 2));
					}
					const int32_t s = S[8 * h + 2 * j + p];
					_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)
					{
						const int8_t *aq = (const int8_t *)a[t] + 292 * (size_t)i + 4 + 128 * h + 32 * j + 16 * p;
						sumi[t] = vmlaq_n_s32(sumi[t], dot16(vdupq_n_s32(0), vreinterpretq_s8_u8(q), vld1q_s8(aq)), s);
					}
				}
			}
		}
		_Pragma("GCC unroll 8") for (int t = 0; t < N; t++)
		{
			const uint8_t *ab = a[t] + 292 * (size_t)i;
			const float da = f32at(ab);
			int32x4_t g = group_sums(ab, m_lo, m_hi);
			if (three) {
				acc[t] = vmlaq_n_f32(acc[t], vcvtq_f32_s32(vsubq_s32(sumi[t], vshlq_n_s32(g, 2))), d * da);
			} else {
				acc[t] = vmlaq_n_f32(acc[t], vcvtq_f32_s32(sumi[t]), d * da);
				acc[t] = vmlsq_n_f32(acc[t], vcvtq_f32_s32(g), dmin * da);
			}
		}
	}
	_Pragma("GCC unroll 8") for (int t = 0; t < N; t++) res[t] = vaddvq_f32(acc[t]);
}

KFN void dot_q2_k(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res) { dot_k23(nb, w, a, N, res, 0); }
KFN void dot_q3_k(int nb, const uint8_t *w, const uint8_t *const *a, int N, float *res) { dot_k23(nb, w, a, N, res, 1); }
