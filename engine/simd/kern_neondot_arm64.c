// NEON kernels with the ARMv8.2 dot-product instructions (SDOT).
#if defined(__clang__)
#define KATTR __attribute__((target("dotprod")))
#else
#define KATTR __attribute__((target("arch=armv8.2-a+dotprod")))
#endif
#define KDOTPROD 1
#define KSUFFIX(name) name##_neondot
#include "kern_neon.h"
