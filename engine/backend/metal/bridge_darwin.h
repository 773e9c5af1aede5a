// The C interface between metal_darwin.go and bridge_darwin.m.
#include <stdint.h>

#define HEARTH_MTL_NT 128 // threads per threadgroup (NT in kernels.metal)

typedef struct {
  void* dev;
  void* queue;
  void* lib;
  char name[256];
  uint64_t working_set; // recommendedMaxWorkingSetSize
  uint64_t allocated;   // currentAllocatedSize at open
} hearth_mtl;

int hearth_mtl_open(hearth_mtl* m, const char* src, char* err, int errlen);
void* hearth_mtl_buffer(hearth_mtl* m, const void* bytes, uint64_t n);
void* hearth_mtl_contents(void* buf);
void hearth_mtl_release(void* obj);
int hearth_mtl_run(hearth_mtl* m, const char* fn, void** bufs, int nbufs, const void* args, int argbytes,
                   int gx, int gy, int per_thread, char* err, int errlen);
void hearth_mtl_close(hearth_mtl* m);
