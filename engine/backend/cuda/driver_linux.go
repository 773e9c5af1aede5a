//go:build linux

package cuda

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"

	"hearth/engine/backend"
)

// driverAPI is the slice of the CUDA driver API the backend calls, bound at
// run time from libcuda. Every function returns a CUresult (0 = success).
type driverAPI struct {
	cuInit                    func(flags uint32) int32
	cuDeviceGet               func(dev *int32, ordinal int32) int32
	cuDeviceGetName           func(name *byte, n int32, dev int32) int32
	cuDeviceGetAttribute      func(v *int32, attr int32, dev int32) int32
	cuDevicePrimaryCtxRetain  func(ctx *uintptr, dev int32) int32
	cuDevicePrimaryCtxRelease func(dev int32) int32
	cuCtxSetCurrent           func(ctx uintptr) int32
	cuCtxSynchronize          func() int32
	cuMemGetInfo              func(free, total *uint64) int32
	cuMemAlloc                func(p *uint64, n uint64) int32
	cuMemFree                 func(p uint64) int32
	cuMemcpyHtoD              func(dst uint64, src unsafe.Pointer, n uint64) int32
	cuMemcpyDtoH              func(dst unsafe.Pointer, src uint64, n uint64) int32
	cuModuleLoadData          func(m *uintptr, image unsafe.Pointer) int32
	cuModuleGetFunction       func(f *uintptr, m uintptr, name string) int32
	cuLaunchKernel            func(f uintptr, gx, gy, gz, bx, by, bz, shared uint32, stream uintptr, params, extra unsafe.Pointer) int32
}

// nvrtcAPI is the runtime compiler, bound from libnvrtc.
type nvrtcAPI struct {
	nvrtcVersion           func(major, minor *int32) int32
	nvrtcCreateProgram     func(prog *uintptr, src, name string, nHeaders int32, headers, names unsafe.Pointer) int32
	nvrtcCompileProgram    func(prog uintptr, nOptions int32, options unsafe.Pointer) int32
	nvrtcGetProgramLogSize func(prog uintptr, n *uint64) int32
	nvrtcGetProgramLog     func(prog uintptr, log *byte) int32
	nvrtcGetCUBINSize      func(prog uintptr, n *uint64) int32
	nvrtcGetCUBIN          func(prog uintptr, out *byte) int32
	nvrtcDestroyProgram    func(prog *uintptr) int32
}

// CUDA driver attributes and results the backend names.
const (
	attrComputeMajor = 75
	attrComputeMinor = 76
	cuOutOfMemory    = 2
	cuNoDevice       = 100
)

var cuResultNames = map[int32]string{
	1: "CUDA_ERROR_INVALID_VALUE", 2: "CUDA_ERROR_OUT_OF_MEMORY", 3: "CUDA_ERROR_NOT_INITIALIZED",
	35: "CUDA_ERROR_INSUFFICIENT_DRIVER", 100: "CUDA_ERROR_NO_DEVICE", 101: "CUDA_ERROR_INVALID_DEVICE",
	200: "CUDA_ERROR_INVALID_IMAGE", 209: "CUDA_ERROR_NO_BINARY_FOR_GPU", 218: "CUDA_ERROR_INVALID_PTX",
	222: "CUDA_ERROR_UNSUPPORTED_PTX_VERSION", 500: "CUDA_ERROR_NOT_FOUND", 700: "CUDA_ERROR_ILLEGAL_ADDRESS",
	701: "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", 719: "CUDA_ERROR_LAUNCH_FAILED", 999: "CUDA_ERROR_UNKNOWN",
}

// cuErr turns a CUresult into an error (nil on success).
func cuErr(what string, rc int32) error {
	if rc == 0 {
		return nil
	}
	name := cuResultNames[rc]
	if name == "" {
		name = fmt.Sprintf("CUresult %d", rc)
	}
	switch rc {
	case cuOutOfMemory:
		return fmt.Errorf("cuda: %s: %s: %w", what, name, ErrOutOfMemory)
	case cuNoDevice:
		return fmt.Errorf("cuda: %s: %s: %w", what, name, ErrNoDevice)
	}
	return fmt.Errorf("cuda: %s: %s", what, name)
}

// bindAll resolves every func field of api (named as the C symbol, with
// the _v2 entry points where the driver has them) from the library handle.
func bindAll(h uintptr, api any, v2 map[string]bool) error {
	v := reflectFuncs(api)
	for name, fptr := range v {
		sym := name
		if v2[name] {
			sym += "_v2"
		}
		addr, err := purego.Dlsym(h, sym)
		if err != nil {
			return fmt.Errorf("symbol %s: %w", sym, err)
		}
		purego.RegisterFunc(fptr, addr)
	}
	return nil
}

var driverV2 = map[string]bool{"cuMemGetInfo": true, "cuMemAlloc": true, "cuMemFree": true, "cuMemcpyHtoD": true, "cuMemcpyDtoH": true}

// openLib dlopens the first of names that loads.
func openLib(names []string) (uintptr, string, error) {
	var errs []string
	for _, n := range names {
		h, err := purego.Dlopen(n, purego.RTLD_NOW|purego.RTLD_GLOBAL)
		if err == nil {
			return h, n, nil
		}
		errs = append(errs, err.Error())
	}
	return 0, "", errors.New(strings.Join(errs, "; "))
}

// Device is an opened CUDA device with the kernels loaded. It implements
// backend.Backend; its methods are safe for concurrent use.
type Device struct {
	api    driverAPI
	dev    int32
	ctx    uintptr
	module uintptr
	info   backend.Device
	mu     sync.Mutex
	funcs  map[string]uintptr
	Cached bool // the kernels came from the disk cache, not NVRTC
}

// Open loads the driver and NVRTC, opens device o.Ordinal and loads the
// kernels (from the cache, or compiled now and cached). Every failure is
// an error wrapping one of the Err values, ready to show the user.
func Open(o Options) (*Device, error) {
	h, _, err := openLib(o.driverLibs())
	if err != nil {
		return nil, fmt.Errorf("cuda: %w: %v", ErrNoDriver, err)
	}
	d := &Device{funcs: map[string]uintptr{}}
	if err := bindAll(h, &d.api, driverV2); err != nil {
		return nil, fmt.Errorf("cuda: %w: %v", ErrNoDriver, err)
	}
	if err := cuErr("cuInit", d.api.cuInit(0)); err != nil {
		return nil, err
	}
	if err := cuErr("cuDeviceGet", d.api.cuDeviceGet(&d.dev, int32(o.Ordinal))); err != nil {
		return nil, err
	}
	name := make([]byte, 256)
	if err := cuErr("cuDeviceGetName", d.api.cuDeviceGetName(&name[0], int32(len(name)), d.dev)); err != nil {
		return nil, err
	}
	var major, minor int32
	if err := cuErr("compute capability", d.api.cuDeviceGetAttribute(&major, attrComputeMajor, d.dev)); err != nil {
		return nil, err
	}
	if err := cuErr("compute capability", d.api.cuDeviceGetAttribute(&minor, attrComputeMinor, d.dev)); err != nil {
		return nil, err
	}
	if err := cuErr("cuDevicePrimaryCtxRetain", d.api.cuDevicePrimaryCtxRetain(&d.ctx, d.dev)); err != nil {
		return nil, err
	}
	unlock := d.bind()
	var free, total uint64
	err = cuErr("cuMemGetInfo", d.api.cuMemGetInfo(&free, &total))
	unlock()
	if err != nil {
		d.Close()
		return nil, err
	}
	d.info = backend.Device{
		Kind: backend.CUDA, Name: string(bytes.TrimRight(name, "\x00")),
		Arch: fmt.Sprintf("sm_%d%d", major, minor), Total: int64(total), Free: int64(free),
	}
	if o.ProbeOnly {
		return d, nil
	}
	if err := d.loadKernels(o); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// bind makes the device's context current on this OS thread for one
// operation (CUDA contexts are per thread; goroutines move between threads).
func (d *Device) bind() (unlock func()) {
	runtime.LockOSThread()
	d.api.cuCtxSetCurrent(d.ctx)
	return runtime.UnlockOSThread
}

// loadKernels loads the cached image for this architecture, or compiles
// Source with NVRTC and caches the result.
func (d *Device) loadKernels(o Options) error {
	hn, _, err := openLib(o.nvrtcLibs())
	if err != nil {
		return fmt.Errorf("cuda: %w: %v", ErrNoCompiler, err)
	}
	var rt nvrtcAPI
	if err := bindAll(hn, &rt, nil); err != nil {
		return fmt.Errorf("cuda: %w: %v", ErrNoCompiler, err)
	}
	var vmaj, vmin int32
	rt.nvrtcVersion(&vmaj, &vmin)
	options := []string{"--gpu-architecture=" + d.info.Arch, "-DHEARTH_NVRTC=1"}
	key := cacheKey(Source, options, fmt.Sprintf("%d.%d", vmaj, vmin), d.info.Arch)
	dir := o.cacheDir()
	if image := readCache(dir, key); image != nil && d.loadModule(image) == nil {
		d.Cached = true
		return nil
	}
	image, err := compile(&rt, options)
	if err != nil {
		return err
	}
	if err := d.loadModule(image); err != nil {
		return err
	}
	_ = writeCache(dir, key, image) // a read-only cache only costs a recompile next time
	return nil
}

// compile runs NVRTC on Source and returns the cubin.
func compile(rt *nvrtcAPI, options []string) ([]byte, error) {
	var prog uintptr
	if rc := rt.nvrtcCreateProgram(&prog, Source, "hearth_kernels.cu", 0, nil, nil); rc != 0 {
		return nil, fmt.Errorf("cuda: %w: nvrtcCreateProgram returned %d", ErrCompile, rc)
	}
	defer rt.nvrtcDestroyProgram(&prog)
	cstrs := make([][]byte, len(options))
	ptrs := make([]*byte, len(options))
	for i, o := range options {
		cstrs[i] = append([]byte(o), 0)
		ptrs[i] = &cstrs[i][0]
	}
	rc := rt.nvrtcCompileProgram(prog, int32(len(ptrs)), unsafe.Pointer(&ptrs[0]))
	runtime.KeepAlive(cstrs)
	if rc != 0 {
		var n uint64
		rt.nvrtcGetProgramLogSize(prog, &n)
		log := make([]byte, max(n, 1))
		rt.nvrtcGetProgramLog(prog, &log[0])
		return nil, fmt.Errorf("cuda: %w (nvrtc result %d):\n%s", ErrCompile, rc, bytes.TrimRight(log, "\x00"))
	}
	var n uint64
	if rc := rt.nvrtcGetCUBINSize(prog, &n); rc != 0 || n == 0 {
		return nil, fmt.Errorf("cuda: %w: nvrtcGetCUBINSize returned %d", ErrCompile, rc)
	}
	image := make([]byte, n)
	if rc := rt.nvrtcGetCUBIN(prog, &image[0]); rc != 0 {
		return nil, fmt.Errorf("cuda: %w: nvrtcGetCUBIN returned %d", ErrCompile, rc)
	}
	return image, nil
}

func (d *Device) loadModule(image []byte) error {
	defer d.bind()()
	var m uintptr
	if err := cuErr("cuModuleLoadData", d.api.cuModuleLoadData(&m, unsafe.Pointer(&image[0]))); err != nil {
		return err
	}
	d.module = m
	return nil
}

// Device returns what Open found.
func (d *Device) Device() backend.Device { return d.info }

// Kernels returns the device's kernels.
func (d *Device) Kernels() backend.Kernels { return &Kernels{dev: d} }

// Close releases the primary context.
func (d *Device) Close() error {
	return cuErr("cuDevicePrimaryCtxRelease", d.api.cuDevicePrimaryCtxRelease(d.dev))
}

func (d *Device) alloc(n int) (uint64, error) {
	defer d.bind()()
	var p uint64
	err := cuErr(fmt.Sprintf("cuMemAlloc of %d bytes", n), d.api.cuMemAlloc(&p, uint64(max(n, 1))))
	return p, err
}

func (d *Device) free(p uint64) {
	defer d.bind()()
	d.api.cuMemFree(p)
}

func (d *Device) upload(dst uint64, src unsafe.Pointer, n int) error {
	defer d.bind()()
	return cuErr("cuMemcpyHtoD", d.api.cuMemcpyHtoD(dst, src, uint64(n)))
}

func (d *Device) download(dst unsafe.Pointer, src uint64, n int) error {
	defer d.bind()()
	return cuErr("cuMemcpyDtoH", d.api.cuMemcpyDtoH(dst, src, uint64(n)))
}

func (d *Device) function(name string) (uintptr, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if f, ok := d.funcs[name]; ok {
		return f, nil
	}
	var f uintptr
	if err := cuErr("cuModuleGetFunction "+name, d.api.cuModuleGetFunction(&f, d.module, name)); err != nil {
		return 0, err
	}
	d.funcs[name] = f
	return f, nil
}

// launch runs kernel on a gx × gy grid and waits for it, so a fault is
// reported by the launch that caused it.
func (d *Device) launch(kernel string, gx, gy int, args unsafe.Pointer) error {
	f, err := d.function(kernel)
	if err != nil {
		return err
	}
	defer d.bind()()
	params := [1]unsafe.Pointer{args}
	if err := cuErr("launch "+kernel, d.api.cuLaunchKernel(f, uint32(gx), uint32(gy), 1, BlockThreads, 1, 1, 0, 0, unsafe.Pointer(&params[0]), nil)); err != nil {
		return err
	}
	return cuErr("kernel "+kernel, d.api.cuCtxSynchronize())
}
