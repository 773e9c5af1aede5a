//go:build !linux

package cuda

import (
	"fmt"
	"runtime"

	"hearth/engine/backend"
)

// Device is an opened CUDA device (only on Linux).
type Device struct{}

// Open fails: the driver is loaded with purego's dlopen on Linux only.
func Open(Options) (*Device, error) {
	return nil, fmt.Errorf("cuda: %w (%s)", ErrUnsupported, runtime.GOOS)
}

// Device returns nothing useful; Open never returns a Device here.
func (*Device) Device() backend.Device { return backend.Device{Kind: backend.CUDA} }

// Kernels returns nil.
func (*Device) Kernels() backend.Kernels { return nil }

// Close does nothing.
func (*Device) Close() error { return nil }
