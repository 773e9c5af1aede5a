// Package backend is the seam between the engine and the hardware it
// computes on: the Kind a user asks for (--backend auto|cpu|cuda|metal), the
// Device a GPU backend found, the Kernels every backend implements (the CPU
// one in this package, CUDA in backend/cuda, Metal in backend/metal), and
// the placement Plan that decides which weights live in device memory.
//
// The CPU forward pass calls engine/cpu directly, not through Kernels: the
// interface is for GPU backends and for comparing them with the CPU, so the
// CPU-only build pays no indirection per token.
package backend

import (
	"fmt"
	"strings"
)

// Kind names a backend.
type Kind string

// The backends. Auto takes the first GPU that opens and the CPU otherwise.
const (
	Auto  Kind = "auto"
	CPU   Kind = "cpu"
	CUDA  Kind = "cuda"
	Metal Kind = "metal"
)

// Kinds lists the values --backend accepts.
var Kinds = []Kind{Auto, CPU, CUDA, Metal}

// ParseKind reads a --backend value; "" means Auto.
func ParseKind(s string) (Kind, error) {
	if s == "" {
		return Auto, nil
	}
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	for _, v := range Kinds {
		if k == v {
			return k, nil
		}
	}
	return "", fmt.Errorf("backend: unknown backend %q (want auto, cpu, cuda or metal)", s)
}

// Device describes the processor a backend computes on.
type Device struct {
	Kind  Kind
	Name  string // "NVIDIA H100 80GB HBM3", "Apple M2 Max", "CPU"
	Arch  string // "sm_90", "apple8"; empty for the CPU
	Total int64  // device memory in bytes (0 for the CPU: it uses the host budget)
	Free  int64  // device memory free when the backend opened
}

// String formats the device for people: "cuda NVIDIA H100 (sm_90), 79.1 GiB free of 79.6 GiB".
func (d Device) String() string {
	if d.Kind == CPU || d.Kind == "" {
		return "cpu"
	}
	s := fmt.Sprintf("%s %s", d.Kind, d.Name)
	if d.Arch != "" {
		s += " (" + d.Arch + ")"
	}
	if d.Total > 0 {
		s += fmt.Sprintf(", %s free of %s", GiB(d.Free), GiB(d.Total))
	}
	return s
}

// Backend is an opened backend.
type Backend interface {
	// Device returns what the backend computes on.
	Device() Device
	// Kernels returns the backend's compute kernels.
	Kernels() Kernels
	// Close releases the device.
	Close() error
}

// Selection is the outcome of choosing a backend at load time: what was
// asked for, what runs, and — whenever the two differ — why, in words meant
// for the user (stderr and the app's status banner).
type Selection struct {
	Requested Kind
	Active    Kind
	Device    Device // the device found, even when it is not used
	Fallback  string // why Active is not the GPU asked for (or auto found); empty when it is
	Note      string // auto on a machine without a GPU stack: what was looked for (not a failure)
	Plan      *Plan  // the placement for Device; nil when no GPU was found
}

// String is one line for logs: "backend: cpu (cuda requested: no NVIDIA driver: …)".
func (s Selection) String() string {
	if s.Fallback == "" && s.Note != "" {
		return fmt.Sprintf("backend: %s (%s: %s)", s.Active, s.Requested, s.Note)
	}
	if s.Fallback == "" {
		return fmt.Sprintf("backend: %s (%s requested)", s.Active, s.Requested)
	}
	return fmt.Sprintf("backend: %s — %s requested but not used: %s", s.Active, s.Requested, s.Fallback)
}

// GiB formats bytes for people: "1.50 GiB", or "3.2 MiB" below a GiB.
func GiB(n int64) string {
	if n < 1<<30 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
}
