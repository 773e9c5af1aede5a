// kern_neon_float.h: F32, F16 and BF16 rows. Part of kern_neon.h.

KFN float32x4_t load_f32(const uint8_t *p) { return vld1q_f32((const float *)p); }
KFN float32x4_t load_f16(const uint8_t *p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16((const uint16_t *)p))); }
KFN float32x4_t load_bf16(const uint8_t *p) { return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16((const uint16_t *)p), 16)); }

KFN float scalar_f32(const uint8_t *p) { return f32at(p); }
KFN float scalar_f16(const uint8_t *p) { return f16at(p); }
KFN float scalar_bf16(const uint8_t *p)
{
	uint16_t h;
	memcpy(&h, p, 2);
	uint32_t u = (uint32_t)h << 16;
	float f;
	memcpy(&f, &u, 4);
	return f;
}

#define FLOAT_DOT(NAME, ES, LOAD, SCALAR)                                                    \
	KFN void NAME(int n, const uint8_t *w, const uint8_t *const *a, int N, float *res)  \
	{                                                                                    \
		float32x4_t acc0[KTILE], acc1[KTILE];                                        \
		_Pragma("GCC unroll 8")    \
		for (int t = 0; t < N; t++)                                                  \
			acc0[t] = acc1[t] = vdupq_n_f32(0);                                  \
		int i = 0;                                                                   \
		for (; i + 8 <= n; i += 8) {                                                 \
			float32x4_t w0 = LOAD(w + ES * i), w1 = LOAD(w + ES * (i + 4));      \
			_Pragma("GCC unroll 8")    \
			for (int t = 0; t < N; t++) {                                        \
				acc0[t] = vfmaq_f32(acc0[t], w0, LOAD(a[t] + ES * i));       \
				acc1[t] = vfmaq_f32(acc1[t], w1, LOAD(a[t] + ES * (i + 4))); \
			}                                                                    \
		}                                                                            \
		_Pragma("GCC unroll 8")    \
		for (int t = 0; t < N; t++) {                                                \
			float s = vaddvq_f32(vaddq_f32(acc0[t], acc1[t]));                   \
			for (int j = i; j < n; j++)                                          \
				s += SCALAR(w + ES * j) * SCALAR(a[t] + ES * j);             \
			res[t] = s;                                                          \
		}                                                                            \
	}

FLOAT_DOT(dot_f32, 4, load_f32, scalar_f32)
FLOAT_DOT(dot_f16, 2, load_f16, scalar_f16)
FLOAT_DOT(dot_bf16, 2, load_bf16, scalar_bf16)
