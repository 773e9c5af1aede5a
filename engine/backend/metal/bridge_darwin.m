// Objective-C side of the Metal backend: device, library from MSL source,
// one synchronous dispatch per call. Kept to the calls metal_darwin.go needs.
#import <Foundation/Foundation.h>
#import <Metal/Metal.h>
#include <string.h>
#include "bridge_darwin.h"

static void set_err(char* err, int n, NSString* s) {
  if (n > 0) snprintf(err, n, "%s", s ? s.UTF8String : "unknown error");
}

int hearth_mtl_open(hearth_mtl* m, const char* src, char* err, int errlen) {
  @autoreleasepool {
    id<MTLDevice> dev = MTLCreateSystemDefaultDevice();
    if (!dev) { set_err(err, errlen, @"MTLCreateSystemDefaultDevice returned nil"); return 1; }
    NSError* e = nil;
    id<MTLLibrary> lib = [dev newLibraryWithSource:[NSString stringWithUTF8String:src] options:nil error:&e];
    if (!lib) { set_err(err, errlen, e.localizedDescription); return 2; }
    m->dev = (__bridge_retained void*)dev;
    m->queue = (__bridge_retained void*)[dev newCommandQueue];
    m->lib = (__bridge_retained void*)lib;
    snprintf(m->name, sizeof m->name, "%s", dev.name.UTF8String);
    m->working_set = dev.recommendedMaxWorkingSetSize;
    m->allocated = dev.currentAllocatedSize;
    return 0;
  }
}

void* hearth_mtl_buffer(hearth_mtl* m, const void* bytes, uint64_t n) {
  id<MTLDevice> dev = (__bridge id<MTLDevice>)m->dev;
  id<MTLBuffer> b = bytes ? [dev newBufferWithBytes:bytes length:n options:MTLResourceStorageModeShared]
                          : [dev newBufferWithLength:n options:MTLResourceStorageModeShared];
  return b ? (__bridge_retained void*)b : NULL;
}

void* hearth_mtl_contents(void* buf) { return [(__bridge id<MTLBuffer>)buf contents]; }

void hearth_mtl_release(void* obj) {
  if (obj) CFRelease(obj);
}

int hearth_mtl_run(hearth_mtl* m, const char* fn, void** bufs, int nbufs, const void* args, int argbytes,
                   int gx, int gy, int per_thread, char* err, int errlen) {
  @autoreleasepool {
    id<MTLLibrary> lib = (__bridge id<MTLLibrary>)m->lib;
    id<MTLFunction> f = [lib newFunctionWithName:[NSString stringWithUTF8String:fn]];
    if (!f) { set_err(err, errlen, [NSString stringWithFormat:@"no kernel %s", fn]); return 1; }
    NSError* e = nil;
    id<MTLComputePipelineState> ps = [(__bridge id<MTLDevice>)m->dev newComputePipelineStateWithFunction:f error:&e];
    if (!ps) { set_err(err, errlen, e.localizedDescription); return 2; }
    id<MTLCommandBuffer> cb = [(__bridge id<MTLCommandQueue>)m->queue commandBuffer];
    id<MTLComputeCommandEncoder> enc = [cb computeCommandEncoder];
    [enc setComputePipelineState:ps];
    for (int i = 0; i < nbufs; i++) [enc setBuffer:(__bridge id<MTLBuffer>)bufs[i] offset:0 atIndex:i];
    [enc setBytes:args length:argbytes atIndex:nbufs];
    if (per_thread)
      [enc dispatchThreads:MTLSizeMake(gx, 1, 1) threadsPerThreadgroup:MTLSizeMake(HEARTH_MTL_NT, 1, 1)];
    else
      [enc dispatchThreadgroups:MTLSizeMake(gx, gy, 1) threadsPerThreadgroup:MTLSizeMake(HEARTH_MTL_NT, 1, 1)];
    [enc endEncoding];
    [cb commit];
    [cb waitUntilCompleted];
    if (cb.error) { set_err(err, errlen, cb.error.localizedDescription); return 3; }
    return 0;
  }
}

void hearth_mtl_close(hearth_mtl* m) {
  hearth_mtl_release(m->lib);
  hearth_mtl_release(m->queue);
  hearth_mtl_release(m->dev);
  memset(m, 0, sizeof *m);
}
