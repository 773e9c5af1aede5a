package simd

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
)

// variant ids; they match the HEARTH_* enum in kernels.h.
type variant int32

const (
	variantGeneric variant = 0
	variantAVX2    variant = 1
	variantAVX512  variant = 2
	variantNEON    variant = 3
	// variantAVX512BF16 is "avx512" with the AVX512_BF16 kernel for BF16
	// rows; it is what the C side runs for "avx512" where the CPU has it.
	variantAVX512BF16 variant = 4
	variantNEONDot    variant = 5
)

// variantNames holds the public names; internal ids have none.
var variantNames = [...]string{"generic", "avx2", "avx512", "neon", "", "neondot"}

// preference lists the variants best first.
var preference = [...]variant{variantAVX512, variantAVX2, variantNEONDot, variantNEON, variantGeneric}

// dispatch is the process-wide kernel choice. It is the one piece of
// mutable package state: the CPU cannot change under a running process,
// and tests switch variants through SetVariant.
var dispatch = newDispatcher(availableMask(), os.Getenv("HEARTH_KERNELS"))

type dispatcher struct {
	available int // bit mask of runnable variants
	active    atomic.Int32
}

func newDispatcher(mask int, env string) *dispatcher {
	d := &dispatcher{available: mask | 1<<variantGeneric}
	best := variantGeneric
	for _, v := range preference {
		if d.available&(1<<v) != 0 {
			best = v
			break
		}
	}
	if v, ok := d.lookup(strings.TrimSpace(env)); ok {
		best = v
	}
	d.active.Store(int32(best))
	return d
}

func (d *dispatcher) lookup(name string) (variant, bool) {
	for i, n := range variantNames {
		if n != "" && n == name && d.available&(1<<i) != 0 {
			return variant(i), true
		}
	}
	return variantGeneric, false
}

func (d *dispatcher) current() variant { return variant(d.active.Load()) }

// kernel returns the variant id to hand to the C kernels.
func (d *dispatcher) kernel() variant {
	v := d.current()
	if v == variantAVX512 && d.available&(1<<variantAVX512BF16) != 0 {
		return variantAVX512BF16
	}
	return v
}

// Kernel returns the name of the active variant.
func Kernel() string { return variantNames[dispatch.current()] }

// Variants returns the names of the variants this CPU can run, best first;
// "generic" is always last.
func Variants() []string {
	var out []string
	for _, v := range preference {
		if dispatch.available&(1<<v) != 0 {
			out = append(out, variantNames[v])
		}
	}
	return out
}

// SetVariant makes the named variant the active one. It fails if this CPU
// cannot run it.
func SetVariant(name string) error {
	v, ok := dispatch.lookup(name)
	if !ok {
		return fmt.Errorf("simd: variant %q is not available on this CPU (have %s)", name, strings.Join(Variants(), ", "))
	}
	dispatch.active.Store(int32(v))
	return nil
}
