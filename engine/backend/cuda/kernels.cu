// Hearth's CUDA kernels, one translation unit compiled at run time by NVRTC
// (kernels.go). The same text is compiled by clang in CI (syntax, PTX) and
// as host C++ by the emulation test (testdata/emu.cpp), so it includes no
// headers and uses only: the types below, expf/sqrt, threadIdx/blockIdx,
// __shared__ arrays and __syncthreads. No warp intrinsics: reductions go
// through shared memory, which the emulator can reproduce exactly.
//
// Every kernel is launched with NT threads per block and takes one argument
// struct by value; the Go side (args.go) mirrors each struct field by field.

#define NT 128 // threads per block (a power of two)
#define TN 8   // tokens per matmul tile: each dequantized weight is used TN times

typedef unsigned char u8;
typedef signed char i8;
typedef unsigned short u16;
typedef unsigned int u32;

// ---- scalar helpers --------------------------------------------------------

__device__ inline float bits_to_f32(u32 b) {
  union { u32 u; float f; } c;
  c.u = b;
  return c.f;
}

// f16 → f32 in integer steps (exact for every input, subnormals included), so
// no cuda_fp16.h is needed and the emulator computes the same bits.
__device__ inline float h2f(u16 h) {
  u32 sign = (u32)(h & 0x8000u) << 16;
  u32 exp = (h >> 10) & 0x1fu;
  u32 man = h & 0x3ffu;
  if (exp == 0) {
    if (man == 0) return bits_to_f32(sign);
    u32 e = 113; // 127 − 14, lowered once per normalising shift
    while ((man & 0x400u) == 0) { man <<= 1; e--; }
    return bits_to_f32(sign | (e << 23) | ((man & 0x3ffu) << 13));
  }
  if (exp == 31) return bits_to_f32(sign | 0x7f800000u | (man << 13));
  return bits_to_f32(sign | ((exp + 112) << 23) | (man << 13));
}

__device__ inline u32 f32_bits(float f) {
  union { float f; u32 u; } c;
  c.f = f;
  return c.u;
}

// f32 → f16, rounding to nearest even as the CPU's F32ToF16 does (the
// attention kernel rounds queries to f16, as llama.cpp does for an f16 cache).
__device__ inline u16 f2h(float f) {
  u32 x = f32_bits(f);
  u32 sign = (x >> 16) & 0x8000u, m = x & 0x7fffffu;
  int be = (int)((x >> 23) & 0xffu);
  if (be == 0xff) return (u16)(sign | 0x7c00u | (m ? 0x200u : 0u));
  int e = be - 127 + 15;
  if (e >= 31) return (u16)(sign | 0x7c00u);
  if (e <= 0) {
    if (e < -10) return (u16)sign;
    m |= 0x800000u;
    int shift = 14 - e;
    u32 h = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1u))) h++;
    return (u16)(sign | h);
  }
  u32 h = ((u32)e << 10) | (m >> 13), rem = m & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) h++; // a carry rounds up into the exponent
  return (u16)(sign | h);
}

__device__ inline u16 ld16(const u8* p) { return (u16)(p[0] | (p[1] << 8)); }
__device__ inline float f16at(const u8* p) { return h2f(ld16(p)); }

// ---- dequantization of one 16-element unit ---------------------------------
// A row of any format is split into units of 16 consecutive elements; deq_*
// writes unit u of row r to o[0..15] with the rounding steps of engine/quant.

__device__ inline void deq_f32(const u8* r, int u, float* o) {
  const float* x = (const float*)r + 16 * u;
  for (int i = 0; i < 16; i++) o[i] = x[i];
}

__device__ inline void deq_f16(const u8* r, int u, float* o) {
  for (int i = 0; i < 16; i++) o[i] = f16at(r + 2 * (16 * u + i));
}

__device__ inline void deq_bf16(const u8* r, int u, float* o) {
  for (int i = 0; i < 16; i++) o[i] = bits_to_f32((u32)ld16(r + 2 * (16 * u + i)) << 16);
}

// Q4_0: 18-byte blocks of 32: d f16, qs[16]; low nibbles elements 0–15, high 16–31.
__device__ inline void deq_q4_0(const u8* r, int u, float* o) {
  const u8* b = r + 18 * (u >> 1);
  float d = f16at(b);
  int hi = u & 1;
  for (int j = 0; j < 16; j++) {
    int q = hi ? (b[2 + j] >> 4) : (b[2 + j] & 0xf);
    o[j] = (float)(q - 8) * d;
  }
}

// Q8_0: 34-byte blocks of 32: d f16, qs[32] int8.
__device__ inline void deq_q8_0(const u8* r, int u, float* o) {
  const u8* b = r + 34 * (u >> 1);
  float d = f16at(b);
  const u8* q = b + 2 + 16 * (u & 1);
  for (int j = 0; j < 16; j++) o[j] = (float)(i8)q[j] * d;
}

// The 6-bit scale and min of sub-block k (0..7) packed in Q4_K/Q5_K's 12 bytes.
__device__ inline void k_scale_min(const u8* s, int k, int* sc, int* m) {
  if (k < 4) {
    *sc = s[k] & 63;
    *m = s[k + 4] & 63;
  } else {
    *sc = (s[k + 4] & 0xf) | ((s[k - 4] >> 6) << 4);
    *m = (s[k + 4] >> 4) | ((s[k] >> 6) << 4);
  }
}

// Q4_K: 144-byte blocks of 256: d, dmin f16, scales[12], qs[128]; bytes
// qs[32g..32g+31] hold elements 64g+t (low nibble) and 64g+32+t (high).
__device__ inline void deq_q4_K(const u8* r, int u, float* o) {
  const u8* b = r + 144 * (u >> 4);
  int e0 = 16 * (u & 15);
  int g = e0 >> 6, off = e0 & 63, hi = off >= 32;
  int sc, m;
  k_scale_min(b + 4, 2 * g + hi, &sc, &m);
  float dl = f16at(b) * (float)sc, ml = f16at(b + 2) * (float)m;
  const u8* q = b + 16 + 32 * g + (off & 31);
  for (int j = 0; j < 16; j++) {
    int v = hi ? (q[j] >> 4) : (q[j] & 0xf);
    o[j] = dl * (float)v - ml;
  }
}

// Q5_K: 176-byte blocks: as Q4_K plus qh[32] @16, qs[128] @48; element
// 64g+t adds 16 when bit 2g of qh[t] is set, 64g+32+t when bit 2g+1 is.
__device__ inline void deq_q5_K(const u8* r, int u, float* o) {
  const u8* b = r + 176 * (u >> 4);
  int e0 = 16 * (u & 15);
  int g = e0 >> 6, off = e0 & 63, hi = off >= 32, t0 = off & 31;
  int sc, m;
  k_scale_min(b + 4, 2 * g + hi, &sc, &m);
  float dl = f16at(b) * (float)sc, ml = f16at(b + 2) * (float)m;
  const u8* qh = b + 16;
  const u8* q = b + 48 + 32 * g;
  int bit = 2 * g + hi;
  for (int j = 0; j < 16; j++) {
    int t = t0 + j;
    int v = (hi ? (q[t] >> 4) : (q[t] & 0xf)) | (((qh[t] >> bit) & 1) << 4);
    o[j] = dl * (float)v - ml;
  }
}

// Q6_K: 210-byte blocks: ql[128], qh[64], scales[16] int8, d f16 @208. In
// half h, byte t of ql[64h..], ql[64h+32..], qh[32h..] carries elements
// 128h+t, +32, +64, +96; x = d·scale·(q − 32).
__device__ inline void deq_q6_K(const u8* r, int u, float* o) {
  const u8* b = r + 210 * (u >> 4);
  int e0 = 16 * (u & 15);
  int h = e0 >> 7, quarter = (e0 & 127) >> 5, t0 = e0 & 31;
  const u8* ql = b + 64 * h + ((quarter & 1) ? 32 : 0);
  const u8* qh = b + 128 + 32 * h;
  int shift = 2 * quarter;
  float ds = f16at(b + 208) * (float)(i8)b[192 + (e0 >> 4)];
  for (int j = 0; j < 16; j++) {
    int t = t0 + j;
    int lo = quarter >= 2 ? (ql[t] >> 4) : (ql[t] & 0xf);
    int v = (lo | (((qh[t] >> shift) & 3) << 4)) - 32;
    o[j] = ds * (float)v;
  }
}

// ---- block reductions ------------------------------------------------------

// block_sum_n reduces the n partial sums v[0..n) of every thread; thread 0's
// v[i] receives the totals. buf holds n·NT floats.
__device__ inline void block_sum_n(float* v, int n, float* buf) {
  int t = threadIdx.x;
  for (int i = 0; i < n; i++) buf[i * NT + t] = v[i];
  __syncthreads();
  for (int s = NT / 2; s > 0; s >>= 1) {
    if (t < s)
      for (int i = 0; i < n; i++) buf[i * NT + t] += buf[i * NT + t + s];
    __syncthreads();
  }
  for (int i = 0; i < n; i++) v[i] = buf[i * NT];
  __syncthreads();
}

__device__ inline double block_sum_d(double v, double* buf) {
  int t = threadIdx.x;
  buf[t] = v;
  __syncthreads();
  for (int s = NT / 2; s > 0; s >>= 1) {
    if (t < s) buf[t] += buf[t + s];
    __syncthreads();
  }
  double r = buf[0];
  __syncthreads();
  return r;
}

__device__ inline float block_max(float v, float* buf) {
  int t = threadIdx.x;
  buf[t] = v;
  __syncthreads();
  for (int s = NT / 2; s > 0; s >>= 1) {
    if (t < s && buf[t + s] > buf[t]) buf[t] = buf[t + s];
    __syncthreads();
  }
  float r = buf[0];
  __syncthreads();
  return r;
}

// ---- matrix kernels --------------------------------------------------------

// MatArgs: y[t·ystride + r] = Σ_c W[r][c]·x[t·xstride + c] for rows r < rows
// and tokens t < n. W is rows × stride bytes in its GGUF format.
struct MatArgs {
  const u8* w;
  const float* x;
  float* y;
  long long stride;
  int cols, rows, n, xstride, ystride, pad;
};

// mm_<fmt>: grid (rows, ⌈n/TN⌉). Each thread dequantizes its units of row r
// once and multiplies them with up to TN tokens (decode is n = 1).
#define HEARTH_MATMUL(FMT)                                                   \
  extern "C" __global__ void mm_##FMT(MatArgs a) {                           \
    __shared__ float buf[TN * NT];                                           \
    int r = blockIdx.x, t0 = blockIdx.y * TN;                                \
    int nt = a.n - t0 < TN ? a.n - t0 : TN;                                  \
    const u8* row = a.w + (long long)r * a.stride;                           \
    float acc[TN], w[16];                                                    \
    for (int i = 0; i < TN; i++) acc[i] = 0.0f;                              \
    for (int u = threadIdx.x; u < a.cols / 16; u += NT) {                    \
      deq_##FMT(row, u, w);                                                  \
      for (int i = 0; i < nt; i++) {                                         \
        const float* x = a.x + (long long)(t0 + i) * a.xstride + 16 * u;     \
        float s = 0.0f;                                                      \
        for (int j = 0; j < 16; j++) s += w[j] * x[j];                       \
        acc[i] += s;                                                         \
      }                                                                      \
    }                                                                        \
    block_sum_n(acc, nt, buf);                                               \
    if (threadIdx.x == 0)                                                    \
      for (int i = 0; i < nt; i++) a.y[(long long)(t0 + i) * a.ystride + r] = acc[i]; \
  }

// dq_<fmt>: grid rows; writes row r dequantized to y[r·cols ..].
#define HEARTH_DEQUANT(FMT)                                                  \
  extern "C" __global__ void dq_##FMT(MatArgs a) {                           \
    int r = blockIdx.x;                                                      \
    const u8* row = a.w + (long long)r * a.stride;                           \
    for (int u = threadIdx.x; u < a.cols / 16; u += NT)                      \
      deq_##FMT(row, u, a.y + (long long)r * a.cols + 16 * u);               \
  }

#define HEARTH_FORMAT(FMT) HEARTH_MATMUL(FMT) HEARTH_DEQUANT(FMT)
HEARTH_FORMAT(f32)
HEARTH_FORMAT(f16)
HEARTH_FORMAT(bf16)
HEARTH_FORMAT(q4_0)
HEARTH_FORMAT(q8_0)
HEARTH_FORMAT(q4_K)
HEARTH_FORMAT(q5_K)
HEARTH_FORMAT(q6_K)

// ---- row kernels -----------------------------------------------------------

// RowArgs: rows of n values; grid rows for the reductions, ⌈total/NT⌉ for
// the element-wise kernels.
struct RowArgs {
  float* x;         // input, overwritten in place
  const float* w;   // rmsnorm weight (may be null)
  const float* aux; // swiglu: up; rope: cos
  const float* aux2; // rope: sin
  int n, rows;
  int hd;   // rope: head dim
  float eps; // rmsnorm epsilon
};

// rmsnorm: x ← x/√(mean(x²)+eps) (⊙ w), the sum of squares in double as ggml.
extern "C" __global__ void rmsnorm(RowArgs a) {
  __shared__ double buf[NT];
  float* x = a.x + (long long)blockIdx.x * a.n;
  double s = 0.0;
  for (int i = threadIdx.x; i < a.n; i += NT) s += (double)(x[i] * x[i]);
  s = block_sum_d(s, buf);
  float mean = (float)(s / (double)a.n);
  float scale = 1.0f / (float)sqrt((double)(mean + a.eps));
  for (int i = threadIdx.x; i < a.n; i += NT) {
    float v = x[i] * scale;
    x[i] = a.w ? v * a.w[i] : v;
  }
}

// softmax: x ← softmax(x) per row: max subtracted, f32 exponentials, their
// sum in double, one reciprocal multiply.
extern "C" __global__ void softmax(RowArgs a) {
  __shared__ float fbuf[NT];
  __shared__ double dbuf[NT];
  float* x = a.x + (long long)blockIdx.x * a.n;
  float m = -3.402823466e38f;
  for (int i = threadIdx.x; i < a.n; i += NT) m = x[i] > m ? x[i] : m;
  m = block_max(m, fbuf);
  double s = 0.0;
  for (int i = threadIdx.x; i < a.n; i += NT) {
    float e = expf(x[i] - m);
    x[i] = e;
    s += (double)e;
  }
  s = block_sum_d(s, dbuf);
  float inv = (float)(1.0 / s);
  for (int i = threadIdx.x; i < a.n; i += NT) x[i] *= inv;
}

// swiglu: gate ← silu(gate)·up element-wise over n·rows values.
extern "C" __global__ void swiglu(RowArgs a) {
  long long i = (long long)blockIdx.x * NT + threadIdx.x;
  if (i >= (long long)a.n * a.rows) return;
  float g = a.x[i];
  float d = 1.0f + expf(-g);
  a.x[i] = g / d * a.aux[i];
}

// rope: rotates consecutive pairs (2i, 2i+1) of every head of each of rows
// tokens (n values a token) by cos/sin[t·hd/2 + i] (ggml's normal mode).
extern "C" __global__ void rope(RowArgs a) {
  long long j = (long long)blockIdx.x * NT + threadIdx.x;
  int half = a.hd / 2, pairs = a.n / 2;
  if (j >= (long long)pairs * a.rows) return;
  int t = (int)(j / pairs), p = (int)(j % pairs), i = p % half;
  float* z = a.x + (long long)t * a.n + 2 * p;
  float c = a.aux[t * half + i], s = a.aux2[t * half + i];
  float u = z[0], w = z[1];
  z[0] = u * c - w * s;
  z[1] = u * s + w * c;
}

// TopKArgs: the k largest of nx router logits per token (largest first,
// lowest index on a tie) and their sigmoid weights.
struct TopKArgs {
  const float* logits;
  int* ids;
  float* weights;
  int nx, k, rows, pad;
};

// topk: grid rows; one thread per token (k·nx is a few hundred compares).
extern "C" __global__ void topk(TopKArgs a) {
  if (threadIdx.x != 0) return;
  const float* l = a.logits + (long long)blockIdx.x * a.nx;
  int* ids = a.ids + blockIdx.x * a.k;
  for (int j = 0; j < a.k; j++) {
    int best = -1;
    for (int i = 0; i < a.nx; i++) {
      int taken = 0;
      for (int s = 0; s < j; s++) taken |= ids[s] == i;
      if (!taken && (best < 0 || l[i] > l[best])) best = i;
    }
    ids[j] = best;
    float d = 1.0f + expf(-l[best]);
    a.weights[blockIdx.x * a.k + j] = 1.0f / d;
  }
}

// AttnArgs: causal attention of n tokens at positions pos… over an f16 cache
// stored by position (k[p·kd + g·hd + d]); a chunked layer (chunk > 0) sees
// only its query's chunk. scores holds n·heads·ctx floats of scratch.
struct AttnArgs {
  const float* q; // n × qd
  const u16* k;
  const u16* v;
  float* out;     // n × qd
  float* scores;
  int n, heads, group, hd, qd, kd, pos, chunk, ctx;
  float scale;
};

// attend: grid (heads, n); scores (the query rounded to f16), their softmax
// and the weighted values.
extern "C" __global__ void attend(AttnArgs a) {
  __shared__ float fbuf[NT];
  __shared__ double dbuf[NT];
  int h = blockIdx.x, t = blockIdx.y, g = h / a.group;
  int p = a.pos + t;
  int start = a.chunk > 0 ? p / a.chunk * a.chunk : 0;
  int np = p - start + 1;
  const float* q = a.q + (long long)t * a.qd + h * a.hd;
  float* sc = a.scores + ((long long)t * a.heads + h) * a.ctx;
  float m = -3.402823466e38f;
  for (int j = threadIdx.x; j < np; j += NT) {
    const u16* kr = a.k + (long long)(start + j) * a.kd + g * a.hd;
    float s = 0.0f;
    for (int d = 0; d < a.hd; d++) s += h2f(f2h(q[d])) * h2f(kr[d]);
    s *= a.scale;
    sc[j] = s;
    m = s > m ? s : m;
  }
  m = block_max(m, fbuf);
  double sum = 0.0;
  for (int j = threadIdx.x; j < np; j += NT) {
    float e = expf(sc[j] - m);
    sc[j] = e;
    sum += (double)e;
  }
  sum = block_sum_d(sum, dbuf); // its barriers also publish sc to the block
  float inv = (float)(1.0 / sum);
  for (int d = threadIdx.x; d < a.hd; d += NT) {
    float acc = 0.0f;
    for (int j = 0; j < np; j++) acc += sc[j] * h2f(a.v[(long long)(start + j) * a.kd + g * a.hd + d]);
    a.out[(long long)t * a.qd + h * a.hd + d] = acc * inv;
  }
}

// The kernel list, for the emulator's launch table (NVRTC ignores it).
#define HEARTH_KERNELS(X)                                                    \
  X(mm_f32, MatArgs) X(mm_f16, MatArgs) X(mm_bf16, MatArgs)                  \
  X(mm_q4_0, MatArgs) X(mm_q8_0, MatArgs) X(mm_q4_K, MatArgs)                \
  X(mm_q5_K, MatArgs) X(mm_q6_K, MatArgs)                                    \
  X(dq_f32, MatArgs) X(dq_f16, MatArgs) X(dq_bf16, MatArgs)                  \
  X(dq_q4_0, MatArgs) X(dq_q8_0, MatArgs) X(dq_q4_K, MatArgs)                \
  X(dq_q5_K, MatArgs) X(dq_q6_K, MatArgs)                                    \
  X(rmsnorm, RowArgs) X(softmax, RowArgs) X(swiglu, RowArgs) X(rope, RowArgs) \
  X(topk, TopKArgs) X(attend, AttnArgs)
