// A streaming read for the bandwidth probe, written with the compiler's
// generic 16-byte vectors (SSE2 on x86-64, NEON on arm64: baseline on
// both) and eight independent accumulators, so that enough loads are in
// flight to reach the memory's limit rather than the core's.
#include "kernels.h"

typedef uint64_t u64x2 __attribute__((vector_size(16)));

uint64_t hearth_stream_read(const uint8_t *p, size_t n)
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
	uint64_t r = t[0] ^ t[1];
	for (; i + 8 <= n; i += 8) {
		uint64_t v;
		__builtin_memcpy(&v, p + i, 8);
		r ^= v;
	}
	return r;
}
