// Host emulation of the CUDA kernels, for tests on machines without a GPU.
// kernels.cu is compiled as ordinary C++: a block's NT threads are
// coroutines (ucontext) on one OS thread, run round-robin, and
// __syncthreads switches to the next one — every thread of a block reaches
// a barrier before any passes it, exactly the CUDA semantics the kernels
// rely on (they have no divergent barriers). __shared__ arrays become
// function statics (blocks run one after another, so one copy suffices), and
// the launch table comes from the kernel list at the end of kernels.cu.
// Built into a shared library by the Go test and called through purego with
// the same argument structs the CUDA driver receives.
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

struct emu_dim3 { unsigned x = 0, y = 0, z = 0; };
static emu_dim3 threadIdx, blockIdx;

static ucontext_t emu_main;
static ucontext_t* emu_threads;
static int emu_current;

static inline void __syncthreads() { swapcontext(&emu_threads[emu_current], &emu_main); }

#define __global__
#define __device__
#define __shared__ static

#include "../kernels.cu"

namespace {
struct entry { const char* name; void (*run)(const void*); };
#define HEARTH_EMU_ENTRY(NAME, ARGS) {#NAME, [](const void* a) { NAME(*(const ARGS*)a); }},
const entry table[] = {HEARTH_KERNELS(HEARTH_EMU_ENTRY)};

const entry* emu_entry;
const void* emu_args;
bool emu_done[NT];
const size_t stack_bytes = 256 << 10;
char* stacks;

void thread_main() {
  emu_entry->run(emu_args);
  emu_done[emu_current] = true;
}  // returning resumes emu_main through uc_link
}  // namespace

extern "C" {
void* emu_alloc(size_t n) { return calloc(n ? n : 1, 1); }
void emu_free(void* p) { free(p); }

// emu_arg_size returns sizeof the named argument struct (0 if unknown), so
// the test can check the Go mirrors' layout.
size_t emu_arg_size(const char* name) {
  if (strcmp(name, "MatArgs") == 0) return sizeof(MatArgs);
  if (strcmp(name, "RowArgs") == 0) return sizeof(RowArgs);
  if (strcmp(name, "TopKArgs") == 0) return sizeof(TopKArgs);
  if (strcmp(name, "AttnArgs") == 0) return sizeof(AttnArgs);
  return 0;
}
void emu_copy(void* dst, const void* src, size_t n) { memcpy(dst, src, n); }

// emu_launch runs kernel name over a gx × gy grid of bx-thread blocks;
// it returns 0, or 1 for an unknown kernel or a block size other than NT.
int emu_launch(const char* name, int gx, int gy, int bx, const void* args) {
  const entry* e = nullptr;
  for (const entry& t : table)
    if (strcmp(t.name, name) == 0) e = &t;
  if (!e || bx != NT) return 1;
  static ucontext_t threads[NT];
  if (!stacks) stacks = (char*)malloc(NT * stack_bytes);
  emu_threads = threads;
  emu_entry = e;
  emu_args = args;
  for (int y = 0; y < gy; y++)
    for (int x = 0; x < gx; x++) {
      blockIdx.x = x;
      blockIdx.y = y;
      for (int t = 0; t < NT; t++) {
        getcontext(&threads[t]);
        threads[t].uc_stack.ss_sp = stacks + t * stack_bytes;
        threads[t].uc_stack.ss_size = stack_bytes;
        threads[t].uc_link = &emu_main;
        makecontext(&threads[t], thread_main, 0);
        emu_done[t] = false;
      }
      for (bool running = true; running;) {
        running = false;
        for (int t = 0; t < NT; t++) {
          if (emu_done[t]) continue;
          emu_current = t;
          threadIdx.x = t;
          swapcontext(&emu_main, &threads[t]);
          running = true;
        }
      }
    }
  return 0;
}
}
