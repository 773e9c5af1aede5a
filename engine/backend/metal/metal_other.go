//go:build !darwin || !cgo

package metal

import (
	"fmt"
	"runtime"

	"hearth/engine/backend"
)

// Device is an opened Metal device (macOS only).
type Device struct{}

// Open fails outside macOS (or in a build without cgo).
func Open() (*Device, error) {
	return nil, fmt.Errorf("metal: %w (this is %s)", ErrUnsupported, runtime.GOOS)
}

// Device describes nothing here; Open never returns a Device.
func (*Device) Device() backend.Device { return backend.Device{Kind: backend.Metal} }

// Kernels returns nil here.
func (*Device) Kernels() backend.Kernels { return nil }

// Close does nothing.
func (*Device) Close() error { return nil }
