// AVX2 + FMA + F16C kernels (x86-64 since Haswell / Zen 1).
#define KTARGET "avx2,fma,f16c"
#define KSUFFIX(name) name##_avx2
#include "kern_x86.h"
