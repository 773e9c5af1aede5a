// Minimal stand-in for the CUDA runtime headers, for checking kernels.cu with
// clang -x cuda -nocudainc -nocudalib: just the attributes, the thread
// indices and the math functions the kernels call.
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
#define __host__ __attribute__((host))
#define __shared__ __attribute__((shared))
struct hearth_dim3_tid { __device__ unsigned get_x() const { return __nvvm_read_ptx_sreg_tid_x(); } __declspec(property(get = get_x)) unsigned x; };
struct hearth_dim3_ctaid {
  __device__ unsigned get_x() const { return __nvvm_read_ptx_sreg_ctaid_x(); }
  __device__ unsigned get_y() const { return __nvvm_read_ptx_sreg_ctaid_y(); }
  __declspec(property(get = get_x)) unsigned x;
  __declspec(property(get = get_y)) unsigned y;
};
extern const __device__ hearth_dim3_tid threadIdx;
extern const __device__ hearth_dim3_ctaid blockIdx;
extern "C" __device__ float expf(float);
extern "C" __device__ double sqrt(double);
