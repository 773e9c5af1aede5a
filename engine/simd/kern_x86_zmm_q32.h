// kern_x86_zmm_q32.h: Q8_0 and Q4_0 against Q8_0 on 512-bit vectors for
// the AVX-512 variant, included by kern_x86.h in place of the 256-bit
// tiling of those two types.
//
// One zmm holds a pair of 32-element blocks. A tile of up to Q32_R rows
// and Q32_T tokens shares every load: the activations of a block pair are
// loaded once for all rows, the weights once for all tokens, and the f16
// scales of both are converted in vector form once per pair. vpdpbusd
// wants one unsigned operand, and neither format has one, so each uses an
// exact offset folded into the accumulator's starting value:
//
//	Q4_0: Σ(q−8)·a = Σ q·a − 8·Σa      (q = 0..15, the raw nibble)
//	Q8_0: Σ w·a = Σ w·(a+128) − 128·Σw  (a+128 = a XOR 0x80, 1..255)
//
// Every int32 lane holds four products, so the integer sums are exact; the
// float accumulation (per lane, reduced once per row and token) differs
// from the reference only in summation order.

// The prefill tile, rows × tokens: of 4×3, 4×4, 3×4 and 2×6, 4×4 measured
// fastest on Zen 4 though its 16 accumulators leave few registers spare.
#define Q32_R 4
#define Q32_T 4
// Activation block pairs packed at a time for a matrix-vector product
// (34 KiB of stack, 16384 elements): enough for whole rows of the Llama 3
// and 4 matrices. Longer rows are read in pieces, which measured 3–4×
// slower on Zen 4, since a row read in pieces is no longer one sequential
// stream.
#define Q32_CHUNK 256

// q32_idx is the lane order of the scales: Q4_0 nibbles come out as
// [lo0 lo1 hi0 hi1] in 128-bit lanes (block 0's int32 lanes are 0..3 and
// 8..11), Q8_0 codes as [b0 b0 b1 b1].
KFN __m512i q32_idx(int q4)
{
	return q4 ? _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1)
		  : _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
}

// q32_scales converts the f16 scales of one block pair (0 for the missing
// half of a lone last block) to the lane order of q32_idx.
KFN __m512 q32_scales(const uint8_t *b0, const uint8_t *b1, int two, __m512i idx)
{
	uint16_t h0, h1 = 0;
	memcpy(&h0, b0, 2);
	if (two)
		memcpy(&h1, b1, 2);
	__m128 s = _mm_cvtph_ps(_mm_insert_epi16(_mm_cvtsi32_si128(h0), h1, 1));
	return _mm512_permutexvar_ps(idx, _mm512_castps128_ps512(s));
}

// q32_pair256 joins two 32-byte runs, or zero-extends the first.
KFN __m512i q32_pair256(const uint8_t *p0, const uint8_t *p1, int two)
{
	__m256i lo = loadu(p0);
	return two ? _mm512_inserti64x4(_mm512_castsi256_si512(lo), loadu(p1), 1) : _mm512_zextsi256_si512(lo);
}

// q32_act is one activation block pair ready for the dot products: codes
// (permuted for Q4_0, offset by 128 for Q8_0), Q4_0's −8·Σa starting value
// and the scales.
typedef struct {
	__m512i a, init;
	__m512 d;
} q32_act;

KFN q32_act q32_prepare(int q4, const uint8_t *a0, int two)
{
	const __m512i zero = _mm512_setzero_si512();
	q32_act p;
	__m512i v = q32_pair256(a0 + 2, a0 + 36, two);
	if (q4) {
		v = _mm512_shuffle_i64x2(v, v, 0xd8);
		p.init = _mm512_sub_epi32(zero, _mm512_dpbusd_epi32(zero, _mm512_set1_epi8(8), v));
	} else {
		v = _mm512_xor_si512(v, _mm512_set1_epi8((char)0x80));
		p.init = zero;
	}
	p.a = v;
	p.d = q32_scales(a0, a0 + 34, two, q32_idx(q4));
	return p;
}

// q32_weights returns the codes of one weight block pair (the second block
// zero when two is 0) and, for Q8_0, its −128·Σw starting value.
KFN __m512i q32_weights(int q4, const uint8_t *w0, const uint8_t *w1, int two, __m512i *winit)
{
	const __m512i zero = _mm512_setzero_si512();
	if (q4) {
		__m128i x0 = _mm_loadu_si128((const __m128i *)(w0 + 2));
		__m256i y = two ? _mm256_set_m128i(_mm_loadu_si128((const __m128i *)(w1 + 2)), x0) : _mm256_zextsi128_si256(x0);
		__m512i z = _mm512_inserti64x4(_mm512_castsi256_si512(y), _mm256_srli_epi16(y, 4), 1);
		*winit = zero;
		return _mm512_and_si512(z, _mm512_set1_epi8(0x0f));
	}
	__m512i q = q32_pair256(w0 + 2, w1 + 2, two);
	*winit = _mm512_sub_epi32(zero, _mm512_dpbusd_epi32(zero, _mm512_set1_epi8((char)0x80), q));
	return q;
}

// q32_dot returns the exact integer sums of a weight pair with an
// activation pair, four products per int32 lane.
KFN __m512i q32_dot(int q4, __m512i q, __m512i winit, const q32_act *p)
{
	return q4 ? _mm512_dpbusd_epi32(p->init, q, p->a) : _mm512_dpbusd_epi32(winit, p->a, q);
}

// q32_step adds block pair i (or lone block i when two is 0) of R rows
// times T tokens to acc.
KFN void q32_step(int q4, int i, int two, const uint8_t *w, size_t rb, int R, const uint8_t *const *a, int T,
		  __m512 acc[Q32_R][Q32_T])
{
	const size_t bb = q4 ? 18 : 34;
	q32_act act[Q32_T];
	_Pragma("GCC unroll 4") for (int t = 0; t < T; t++) act[t] = q32_prepare(q4, a[t] + 34 * (size_t)i, two);
	_Pragma("GCC unroll 4") for (int r = 0; r < R; r++)
	{
		const uint8_t *w0 = w + rb * (size_t)r + bb * (size_t)i, *w1 = w0 + bb;
		__m512i winit;
		const __m512i q = q32_weights(q4, w0, w1, two, &winit);
		const __m512 dw = q32_scales(w0, w1, two, q32_idx(q4));
		_Pragma("GCC unroll 4") for (int t = 0; t < T; t++) acc[r][t] = _mm512_fmadd_ps(
			_mm512_cvtepi32_ps(q32_dot(q4, q, winit, &act[t])), _mm512_mul_ps(dw, act[t].d), acc[r][t]);
	}
}

// q32_tile writes out[os·t + r] for R rows from w and T tokens a[0..T).
KFN void q32_tile(int q4, int nb, const uint8_t *w, size_t rb, int R, const uint8_t *const *a, int T, float *out,
		  size_t os)
{
	__m512 acc[Q32_R][Q32_T];
	_Pragma("GCC unroll 4") for (int r = 0; r < R; r++) _Pragma("GCC unroll 4") for (int t = 0; t < T; t++) acc[r][t] =
		_mm512_setzero_ps();
	int i = 0;
	for (; i + 2 <= nb; i += 2)
		q32_step(q4, i, 1, w, rb, R, a, T, acc);
	if (i < nb)
		q32_step(q4, i, 0, w, rb, R, a, T, acc);
	_Pragma("GCC unroll 4") for (int r = 0; r < R; r++) _Pragma("GCC unroll 4") for (int t = 0; t < T; t++) out[os * t + r] =
		_mm512_reduce_add_ps(acc[r][t]);
}

// q32_packed is a chunk of activation block pairs packed for a
// matrix-vector product, as small as it goes so that it stays in L1 while
// the weights stream past: the codes and (Q4_0 only) starting values as
// q32_act holds them, and the scales as two floats per pair, multiplied by
// the weight's before they are spread over the lanes.
typedef struct {
	__m512i a[Q32_CHUNK], init[Q32_CHUNK];
	float d[2 * Q32_CHUNK];
} q32_packed;

// q32_pack fills p with pairs c0, c0+1, ... up to block c1 (exclusive) of
// act; a lone last block has zeros for its missing half.
KFN void q32_pack(int q4, const uint8_t *act, int c0, int c1, q32_packed *p)
{
	for (int k = 0; 2 * k < c1 - c0; k++) {
		const uint8_t *a0 = act + 34 * (size_t)(c0 + 2 * k);
		const int two = c0 + 2 * k + 1 < c1;
		const q32_act x = q32_prepare(q4, a0, two);
		p->a[k] = x.a;
		if (q4)
			p->init[k] = x.init;
		p->d[2 * k] = f16at(a0);
		p->d[2 * k + 1] = two ? f16at(a0 + 34) : 0;
	}
}

// q32_row_pair adds weight pair w0 (and w0 + bb when two) times packed
// pair k of p to acc.
KFN __m512 q32_row_pair(int q4, const uint8_t *w0, size_t bb, int two, const q32_packed *p, int k, __m512 acc)
{
	__m512i winit;
	const __m512i q = q32_weights(q4, w0, w0 + bb, two, &winit);
	uint16_t h0, h1 = 0;
	memcpy(&h0, w0, 2);
	if (two)
		memcpy(&h1, w0 + bb, 2);
	const __m128 da = _mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)(p->d + 2 * k)));
	const __m128 s2 = _mm_mul_ps(_mm_cvtph_ps(_mm_insert_epi16(_mm_cvtsi32_si128(h0), h1, 1)), da);
	const __m512 s = _mm512_permutexvar_ps(q32_idx(q4), _mm512_castps128_ps512(s2));
	const __m512i dot = q4 ? _mm512_dpbusd_epi32(p->init[k], q, p->a[k]) : _mm512_dpbusd_epi32(winit, p->a[k], q);
	return _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), s, acc);
}

// q32_matvec is the one-token product: the activation is packed once per
// chunk of Q32_CHUNK block pairs and every row streams through it, so a
// row pays only for its own weights. Rows go one by one: measured on Zen
// 4, one sequential weight stream beats several rows in step, and software
// prefetch a few hundred bytes to a few KiB ahead made no difference the
// benchmarks could tell from noise.
KFN void q32_matvec(int q4, int nb, const uint8_t *w, size_t rb, int rows, const uint8_t *act, float *out)
{
	const size_t bb = q4 ? 18 : 34;
	q32_packed p;
	for (int c0 = 0; c0 < nb; c0 += 2 * Q32_CHUNK) {
		const int c1 = nb - c0 < 2 * Q32_CHUNK ? nb : c0 + 2 * Q32_CHUNK;
		const int full = (c1 - c0) / 2, lone = (c1 - c0) % 2;
		q32_pack(q4, act, c0, c1, &p);
		for (int r = 0; r < rows; r++) {
			const uint8_t *wr = w + rb * (size_t)r + bb * (size_t)c0;
			__m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
			int k = 0;
			for (; k + 2 <= full; k += 2) {
				acc0 = q32_row_pair(q4, wr + 2 * bb * (size_t)k, bb, 1, &p, k, acc0);
				acc1 = q32_row_pair(q4, wr + 2 * bb * (size_t)(k + 1), bb, 1, &p, k + 1, acc1);
			}
			if (k < full) {
				acc0 = q32_row_pair(q4, wr + 2 * bb * (size_t)k, bb, 1, &p, k, acc0);
				k++;
			}
			if (lone)
				acc1 = q32_row_pair(q4, wr + 2 * bb * (size_t)k, bb, 0, &p, k, acc1);
			const float s = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
			out[r] = c0 ? out[r] + s : s;
		}
	}
}

// Fixed-shape instances, so that the tile arrays live in registers.
#define Q32_TILE(NAME, Q4, R, T)                                                                            \
	KSTATIC void NAME(int nb, const uint8_t *w, size_t rb, const uint8_t *const *a, float *out, size_t os) \
	{                                                                                                   \
		q32_tile(Q4, nb, w, rb, R, a, T, out, os);                                                  \
	}
KSTATIC void q8_0_mv(int nb, const uint8_t *w, size_t rb, int rows, const uint8_t *act, float *out)
{
	q32_matvec(0, nb, w, rb, rows, act, out);
}
Q32_TILE(q8_0_r4tn, 0, Q32_R, Q32_T)
Q32_TILE(q8_0_r1tn, 0, 1, Q32_T)
KSTATIC void q4_0_mv(int nb, const uint8_t *w, size_t rb, int rows, const uint8_t *act, float *out)
{
	q32_matvec(1, nb, w, rb, rows, act, out);
}
Q32_TILE(q4_0_r4tn, 1, Q32_R, Q32_T)
Q32_TILE(q4_0_r1tn, 1, 1, Q32_T)

typedef void (*q32_fn)(int, const uint8_t *, size_t, const uint8_t *const *, float *, size_t);
typedef void (*q32_mv_fn)(int, const uint8_t *, size_t, int, const uint8_t *, float *);

// q32_matmul walks weight tiles that stay in L2 while token tiles pass
// over them, as TILED does, in blocks of Q32_R rows × Q32_T tokens; the
// tokens left over go through the matrix-vector product.
KFN void q32_matmul(q32_mv_fn mv, q32_fn r4tn, q32_fn r1tn, int n, const uint8_t *w, size_t rb, int rows,
		    const uint8_t *acts, size_t as, int ntok, float *out, size_t os)
{
	const int nb = n / 32;
	if (ntok == 1) {
		mv(nb, w, rb, rows, acts, out);
		return;
	}
	int rtile = (int)(WEIGHT_TILE_BYTES / (rb ? rb : 1)) / Q32_R * Q32_R;
	if (rtile < Q32_R)
		rtile = Q32_R;
	for (int r0 = 0; r0 < rows; r0 += rtile) {
		const int r1 = r0 + rtile < rows ? r0 + rtile : rows;
		for (int t0 = 0; t0 < ntok; t0 += Q32_T) {
			const int nt = ntok - t0 < Q32_T ? ntok - t0 : Q32_T;
			const uint8_t *ap[Q32_T];
			for (int t = 0; t < nt; t++)
				ap[t] = acts + as * (size_t)(t0 + t);
			float *o = out + os * (size_t)t0;
			if (nt < Q32_T) {
				for (int t = 0; t < nt; t++)
					mv(nb, w + rb * (size_t)r0, rb, r1 - r0, ap[t], o + os * (size_t)t + r0);
				continue;
			}
			int r = r0;
			for (; r + Q32_R <= r1; r += Q32_R)
				r4tn(nb, w + rb * (size_t)r, rb, ap, o + r, os);
			for (; r < r1; r++)
				r1tn(nb, w + rb * (size_t)r, rb, ap, o + r, os);
		}
	}
}

KSTATIC void mm_q8_0(int n, const uint8_t *w, size_t rb, int rows, const uint8_t *acts, size_t as, int ntok, float *out,
		     size_t os)
{
	q32_matmul(q8_0_mv, q8_0_r4tn, q8_0_r1tn, n, w, rb, rows, acts, as, ntok, out, os);
}

KSTATIC void mm_q4_0(int n, const uint8_t *w, size_t rb, int rows, const uint8_t *acts, size_t as, int ntok, float *out,
		     size_t os)
{
	q32_matmul(q4_0_mv, q4_0_r4tn, q4_0_r1tn, n, w, rb, rows, acts, as, ntok, out, os);
}
