// Hearth's Metal kernels: the decode matmul for F32, F16, Q4_0 and Q8_0
// weights, RMSNorm and SwiGLU, written as the CUDA ones in
// ../cuda/kernels.cu are (one threadgroup of NT threads per output row,
// 16-element units, a threadgroup-memory tree reduction). Compiled at run
// time by newLibraryWithSource. The K-quant, RoPE, top-k, softmax and
// attention kernels are not written yet (see the README).
#include <metal_stdlib>
using namespace metal;

#define NT 128

struct MatArgs {
  ulong stride;
  int cols, rows, n, pad;
};

inline float f16at(device const uchar* p) {
  return float(as_type<half>(ushort(p[0] | (p[1] << 8))));
}

inline void deq_f32(device const uchar* r, int u, thread float* o) {
  device const float* x = (device const float*)r + 16 * u;
  for (int i = 0; i < 16; i++) o[i] = x[i];
}

inline void deq_f16(device const uchar* r, int u, thread float* o) {
  for (int i = 0; i < 16; i++) o[i] = f16at(r + 2 * (16 * u + i));
}

inline void deq_q4_0(device const uchar* r, int u, thread float* o) {
  device const uchar* b = r + 18 * (u >> 1);
  float d = f16at(b);
  int hi = u & 1;
  for (int j = 0; j < 16; j++) {
    int q = hi ? (b[2 + j] >> 4) : (b[2 + j] & 0xf);
    o[j] = float(q - 8) * d;
  }
}

inline void deq_q8_0(device const uchar* r, int u, thread float* o) {
  device const uchar* b = r + 34 * (u >> 1);
  float d = f16at(b);
  device const uchar* q = b + 2 + 16 * (u & 1);
  for (int j = 0; j < 16; j++) o[j] = float(as_type<char>(q[j])) * d;
}

inline float group_sum(float v, threadgroup float* buf, uint t) {
  buf[t] = v;
  threadgroup_barrier(mem_flags::mem_threadgroup);
  for (uint s = NT / 2; s > 0; s >>= 1) {
    if (t < s) buf[t] += buf[t + s];
    threadgroup_barrier(mem_flags::mem_threadgroup);
  }
  return buf[0];
}

// mm_<fmt>: one threadgroup per (row, token); y[t·rows + r] = W[r]·x[t].
#define HEARTH_MATMUL(FMT)                                                       \
  kernel void mm_##FMT(device const uchar* w [[buffer(0)]],                      \
                       device const float* x [[buffer(1)]],                      \
                       device float* y [[buffer(2)]],                            \
                       constant MatArgs& a [[buffer(3)]],                        \
                       uint2 group [[threadgroup_position_in_grid]],             \
                       uint t [[thread_position_in_threadgroup]]) {              \
    threadgroup float buf[NT];                                                   \
    int r = group.x, tok = group.y;                                              \
    device const uchar* row = w + ulong(r) * a.stride;                           \
    device const float* xt = x + ulong(tok) * a.cols;                            \
    float acc = 0.0f, v[16];                                                     \
    for (int u = t; u < a.cols / 16; u += NT) {                                  \
      deq_##FMT(row, u, v);                                                      \
      for (int j = 0; j < 16; j++) acc += v[j] * xt[16 * u + j];                 \
    }                                                                            \
    acc = group_sum(acc, buf, t);                                                \
    if (t == 0) y[ulong(tok) * a.rows + r] = acc;                                \
  }

HEARTH_MATMUL(f32)
HEARTH_MATMUL(f16)
HEARTH_MATMUL(q4_0)
HEARTH_MATMUL(q8_0)

struct RowArgs {
  int n, rows;
  float eps;
  int has_weight;
};

// rmsnorm: one threadgroup per row, in place (float sums: Metal has no double).
kernel void rmsnorm(device float* x [[buffer(0)]], device const float* w [[buffer(1)]],
                    constant RowArgs& a [[buffer(2)]], uint row [[threadgroup_position_in_grid]],
                    uint t [[thread_position_in_threadgroup]]) {
  threadgroup float buf[NT];
  device float* xr = x + ulong(row) * a.n;
  float s = 0.0f;
  for (int i = t; i < a.n; i += NT) s += xr[i] * xr[i];
  s = group_sum(s, buf, t);
  float scale = 1.0f / sqrt(s / float(a.n) + a.eps);
  for (int i = t; i < a.n; i += NT) xr[i] = a.has_weight ? xr[i] * scale * w[i] : xr[i] * scale;
}

// swiglu: gate ← silu(gate)·up, one thread per element.
kernel void swiglu(device float* gate [[buffer(0)]], device const float* up [[buffer(1)]],
                   constant RowArgs& a [[buffer(2)]], uint i [[thread_position_in_grid]]) {
  if (int(i) >= a.n) return;
  float g = gate[i];
  gate[i] = g / (1.0f + exp(-g)) * up[i];
}
