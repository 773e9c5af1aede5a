package cuda

import (
	"errors"
	"os"
	"path/filepath"
)

// The ways opening the backend fails; the engine shows the wrapped error
// to the user and runs on the CPU.
var (
	ErrNoDriver    = errors.New("no NVIDIA driver (libcuda) could be loaded")
	ErrNoDevice    = errors.New("no CUDA device")
	ErrNoCompiler  = errors.New("no NVRTC runtime compiler (libnvrtc) could be loaded")
	ErrCompile     = errors.New("NVRTC could not compile the kernels")
	ErrOutOfMemory = errors.New("out of GPU memory")
	ErrUnsupported = errors.New("the CUDA backend is not available on this operating system")
)

// Options say where to find the libraries and the kernel cache.
type Options struct {
	// DriverLib and NVRTCLib are library paths or names tried instead of the
	// defaults (libcuda.so.1; libnvrtc.so.13, .12, .11.2, libnvrtc.so). The
	// environment variables HEARTH_CUDA_LIB and HEARTH_NVRTC_LIB set them too.
	DriverLib, NVRTCLib string
	// CacheDir holds compiled kernels per GPU architecture; empty means
	// $HEARTH_CUDA_CACHE or the user cache dir's hearth/cuda.
	CacheDir string
	// Ordinal is the device number.
	Ordinal int
	// ProbeOnly opens the driver and reads the device without loading NVRTC
	// or the kernels (Kernels must not be used then).
	ProbeOnly bool
}

func (o Options) driverLibs() []string {
	if o.DriverLib != "" {
		return []string{o.DriverLib}
	}
	if v := os.Getenv("HEARTH_CUDA_LIB"); v != "" {
		return []string{v}
	}
	return []string{"libcuda.so.1", "libcuda.so"}
}

func (o Options) nvrtcLibs() []string {
	if o.NVRTCLib != "" {
		return []string{o.NVRTCLib}
	}
	if v := os.Getenv("HEARTH_NVRTC_LIB"); v != "" {
		return []string{v}
	}
	return []string{"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"}
}

func (o Options) cacheDir() string {
	if o.CacheDir != "" {
		return o.CacheDir
	}
	if v := os.Getenv("HEARTH_CUDA_CACHE"); v != "" {
		return v
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "hearth", "cuda")
	}
	return filepath.Join(os.TempDir(), "hearth-cuda")
}
