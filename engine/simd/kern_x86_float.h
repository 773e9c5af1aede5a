// kern_x86_float.h: F32, F16 and BF16 rows. Part of kern_x86.h.

// ---- F32, F16, BF16 (n elements, any n) ----

KFN __m256 load_f32(const uint8_t *p) { return _mm256_loadu_ps((const float *)p); }
KFN __m256 load_f16(const uint8_t *p) { return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)); }
KFN __m256 load_bf16(const uint8_t *p)
{
	__m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
	return _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
}

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

#define FLOAT_DOT(NAME, ES, LOAD, SCALAR)                                                      \
	KFN void NAME(int n, const uint8_t *w, const uint8_t *const *a, int N, float *res)    \
	{                                                                                      \
		__m256 acc0[KTILE], acc1[KTILE];                                               \
		_Pragma("GCC unroll 8")    \
		for (int t = 0; t < N; t++)                                                    \
			acc0[t] = acc1[t] = _mm256_setzero_ps();                               \
		int i = 0;                                                                     \
		for (; i + 16 <= n; i += 16) {                                                 \
			__m256 w0 = LOAD(w + ES * i), w1 = LOAD(w + ES * (i + 8));             \
			_Pragma("GCC unroll 8")    \
			for (int t = 0; t < N; t++) {                                          \
				acc0[t] = _mm256_fmadd_ps(w0, LOAD(a[t] + ES * i), acc0[t]);   \
				acc1[t] = _mm256_fmadd_ps(w1, LOAD(a[t] + ES * (i + 8)), acc1[t]); \
			}                                                                      \
		}                                                                              \
		for (; i + 8 <= n; i += 8) {                                                   \
			__m256 w0 = LOAD(w + ES * i);                                          \
			_Pragma("GCC unroll 8")    \
			for (int t = 0; t < N; t++)                                            \
				acc0[t] = _mm256_fmadd_ps(w0, LOAD(a[t] + ES * i), acc0[t]);   \
		}                                                                              \
		_Pragma("GCC unroll 8")    \
		for (int t = 0; t < N; t++) {                                                  \
			float s = hsum8(_mm256_add_ps(acc0[t], acc1[t]));                      \
			for (int j = i; j < n; j++)                                            \
				s += SCALAR(w + ES * j) * SCALAR(a[t] + ES * j);               \
			res[t] = s;                                                            \
		}                                                                              \
	}

FLOAT_DOT(dot_f32, 4, load_f32, scalar_f32)
FLOAT_DOT(dot_f16, 2, load_f16, scalar_f16)
FLOAT_DOT(dot_bf16, 2, load_bf16, scalar_bf16)
