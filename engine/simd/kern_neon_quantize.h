// kern_neon_quantize.h: the activation quantizers. Part of kern_neon.h.

#ifndef KDOTPROD // the quantizers use no dot products: one build serves both

// ---- activation quantizers, bit-identical to package quant ----

// nearest_int is quant's nearestInt, literally: the low 23 bits of
// v + 1.5·2^23, minus 2^22 (v rounded half to even when |v| < 2^22).
KFN int32x4_t nearest_int(float32x4_t v)
{
	// The empty asm keeps the caller's product from being fused into this
	// addition (an FMA would round differently from quant).
	__asm__("" : "+w"(v));
	uint32x4_t b = vreinterpretq_u32_f32(vaddq_f32(v, vdupq_n_f32(12582912.0f)));
	b = vandq_u32(b, vdupq_n_u32(0x7fffff));
	return vsubq_s32(vreinterpretq_s32_u32(b), vdupq_n_s32(0x400000));
}

// low_bytes returns the low byte of each of the 16 int32 lanes in q.
KFN uint8x16_t low_bytes(const int32x4_t *q)
{
	uint16x8_t a = vcombine_u16(vmovn_u32(vreinterpretq_u32_s32(q[0])), vmovn_u32(vreinterpretq_u32_s32(q[1])));
	uint16x8_t b = vcombine_u16(vmovn_u32(vreinterpretq_u32_s32(q[2])), vmovn_u32(vreinterpretq_u32_s32(q[3])));
	return vcombine_u8(vmovn_u16(a), vmovn_u16(b));
}

// abs_max_32 returns max|x| over 32 floats; vmaxnm skips NaNs as quant does.
KFN float abs_max_32(const float *x)
{
	float32x4_t m = vdupq_n_f32(0);
	for (int j = 0; j < 32; j += 4)
		m = vmaxnmq_f32(vabsq_f32(vld1q_f32(x + j)), m);
	return vmaxnmvq_f32(m);
}

KFN void put_f16(uint8_t *p, float f)
{
	__fp16 h = (__fp16)f;
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
		int32x4_t sum = vdupq_n_s32(0);
		for (int h = 0; h < 2; h++) {
			int32x4_t q[4];
			for (int k = 0; k < 4; k++) {
				q[k] = nearest_int(vmulq_n_f32(vld1q_f32(x + 16 * h + 4 * k), id));
				sum = vaddq_s32(sum, q[k]);
			}
			vst1q_u8(b + qoff + 16 * h, low_bytes(q));
		}
		if (with_sum)
			put_f16(b + 2, d * (float)vaddvq_s32(sum));
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
		const int32x4_t top = vdupq_n_s32(127);
		for (int j = 0; j < 256; j += 16) {
			int32x4_t q[4];
			for (int k = 0; k < 4; k++)
				q[k] = vminq_s32(nearest_int(vmulq_n_f32(vld1q_f32(x + j + 4 * k), iscale)), top);
			uint8x16_t v = low_bytes(q);
			vst1q_u8(b + 4 + j, v);
			int16_t bs = (int16_t)vaddlvq_s8(vreinterpretq_s8_u8(v));
			memcpy(b + 260 + j / 8, &bs, 2);
		}
		float d = 1.0f / iscale;
		memcpy(b, &d, 4);
	}
}

KATTR int KSUFFIX(hearth_quantize)(int type, const float *src, uint8_t *dst, int n)
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

#endif
