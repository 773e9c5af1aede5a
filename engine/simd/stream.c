// A streaming read for the bandwidth probe: eight independent accumulators
// keep enough loads in flight to reach the memory's limit rather than the
// core's. On x86-64 it uses the widest loads the CPU runs (64-byte AVX-512
// or 32-byte AVX2, chosen at run time like the kernels), since that is how
// the matmul kernels read their weights; elsewhere the compiler's generic
// 16-byte vectors (NEON on arm64, the native width there).
#include "kernels.h"

typedef uint64_t u64x2 __attribute__((vector_size(16)));

// stream_tail folds the bytes from i to n (a multiple of 8) into r.
static uint64_t stream_tail(const uint8_t *p, size_t i, size_t n, uint64_t r)
{
	for (; i + 8 <= n; i += 8) {
		uint64_t v;
		__builtin_memcpy(&v, p + i, 8);
		r ^= v;
	}
	return r;
}

static uint64_t stream_generic(const uint8_t *p, size_t n)
{
	u64x2 s[8] = {{0}};
	size_t i = 0;
	for (; i + 128 <= n; i += 128) {
		for (int k = 0; k < 8; k++) {
			u64x2 v;
			__builtin_memcpy(&v, p + i + 16 * k, 16);
			s[k] ^= v;
		}
	}
	u64x2 t = s[0] ^ s[1] ^ s[2] ^ s[3] ^ s[4] ^ s[5] ^ s[6] ^ s[7];
	return stream_tail(p, i, n, t[0] ^ t[1]);
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2"))) static uint64_t stream_avx2(const uint8_t *p, size_t n)
{
	__m256i s[8];
	for (int k = 0; k < 8; k++)
		s[k] = _mm256_setzero_si256();
	size_t i = 0;
	for (; i + 256 <= n; i += 256)
		for (int k = 0; k < 8; k++)
			s[k] = _mm256_xor_si256(s[k], _mm256_loadu_si256((const __m256i *)(p + i + 32 * k)));
	__m256i t = _mm256_xor_si256(_mm256_xor_si256(_mm256_xor_si256(s[0], s[1]), _mm256_xor_si256(s[2], s[3])),
				     _mm256_xor_si256(_mm256_xor_si256(s[4], s[5]), _mm256_xor_si256(s[6], s[7])));
	uint64_t lanes[4];
	_mm256_storeu_si256((__m256i *)lanes, t);
	return stream_tail(p, i, n, lanes[0] ^ lanes[1] ^ lanes[2] ^ lanes[3]);
}

__attribute__((target("avx512f"))) static uint64_t stream_avx512(const uint8_t *p, size_t n)
{
	__m512i s[8];
	for (int k = 0; k < 8; k++)
		s[k] = _mm512_setzero_si512();
	size_t i = 0;
	for (; i + 512 <= n; i += 512)
		for (int k = 0; k < 8; k++)
			s[k] = _mm512_xor_si512(s[k], _mm512_loadu_si512(p + i + 64 * k));
	__m512i t = _mm512_xor_si512(_mm512_xor_si512(_mm512_xor_si512(s[0], s[1]), _mm512_xor_si512(s[2], s[3])),
				     _mm512_xor_si512(_mm512_xor_si512(s[4], s[5]), _mm512_xor_si512(s[6], s[7])));
	uint64_t lanes[8];
	_mm512_storeu_si512(lanes, t);
	uint64_t r = 0;
	for (int k = 0; k < 8; k++)
		r ^= lanes[k];
	return stream_tail(p, i, n, r);
}
#endif

uint64_t hearth_stream_read(const uint8_t *p, size_t n, int variants)
{
#if defined(__x86_64__)
	if (variants & (1 << HEARTH_AVX512))
		return stream_avx512(p, n);
	if (variants & (1 << HEARTH_AVX2))
		return stream_avx2(p, n);
#else
	(void)variants;
#endif
	return stream_generic(p, n);
}
