// NEON kernels for every arm64 CPU (ARMv8.0 Advanced SIMD).
#define KATTR
#define KSUFFIX(name) name##_neon
#include "kern_neon.h"
