//go:build darwin && cgo

package metal

/*
#cgo CFLAGS: -x objective-c -fobjc-arc
#cgo LDFLAGS: -framework Metal -framework Foundation -framework CoreFoundation
#include <stdlib.h>
#include "bridge_darwin.h"
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"

	"hearth/engine/backend"
	"hearth/engine/cpu"
	"hearth/engine/quant"
)

// Device is an opened Metal device with the kernel library compiled.
type Device struct {
	mu   sync.Mutex // one dispatch at a time
	m    C.hearth_mtl
	info backend.Device
}

// Open compiles Source on the system's default Metal device.
func Open() (*Device, error) {
	d := &Device{}
	src := C.CString(Source)
	defer C.free(unsafe.Pointer(src))
	var msg [1024]C.char
	switch rc := C.hearth_mtl_open(&d.m, src, &msg[0], C.int(len(msg))); rc {
	case 0:
	case 1:
		return nil, fmt.Errorf("metal: %w: %s", ErrNoDevice, C.GoString(&msg[0]))
	default:
		return nil, fmt.Errorf("metal: %w: %s", ErrCompile, C.GoString(&msg[0]))
	}
	ws := int64(d.m.working_set)
	d.info = backend.Device{Kind: backend.Metal, Name: C.GoString(&d.m.name[0]), Total: ws, Free: ws - int64(d.m.allocated)}
	return d, nil
}

// Device returns what Open found (unified memory: Total is the
// recommended working set).
func (d *Device) Device() backend.Device { return d.info }

// Kernels returns the Metal kernels.
func (d *Device) Kernels() backend.Kernels { return &Kernels{d: d} }

// Close releases the device, queue and library.
func (d *Device) Close() error {
	C.hearth_mtl_close(&d.m)
	return nil
}

// Kernels implements the part of backend.Kernels written in MSL so far;
// the other methods return an error naming what is missing.
type Kernels struct{ d *Device }

var mmSuffix = map[quant.Type]string{quant.F32: "f32", quant.F16: "f16", quant.Q4_0: "q4_0", quant.Q8_0: "q8_0"}

type matArgs struct {
	Stride                uint64
	Cols, Rows, N, Unused int32
}

type rowArgs struct {
	N, Rows   int32
	Eps       float32
	HasWeight int32
}

// run copies ins into shared buffers, allocates outs, dispatches fn and
// copies the outputs back — and ins[0] too when inPlace (kernels that
// overwrite their input).
func (k *Kernels) run(fn string, ins [][]byte, outs [][]byte, inPlace bool, args unsafe.Pointer, argBytes, gx, gy int, perThread bool) error {
	d := k.d
	d.mu.Lock()
	defer d.mu.Unlock()
	n := len(ins) + len(outs)
	bufs := (*[16]unsafe.Pointer)(C.malloc(C.size_t(16 * unsafe.Sizeof(unsafe.Pointer(nil)))))
	defer C.free(unsafe.Pointer(bufs))
	defer func() {
		for i := 0; i < n; i++ {
			C.hearth_mtl_release(bufs[i])
		}
	}()
	for i := range bufs {
		bufs[i] = nil
	}
	for i, b := range ins {
		var p unsafe.Pointer
		if len(b) > 0 {
			p = unsafe.Pointer(&b[0])
		}
		bufs[i] = C.hearth_mtl_buffer(&d.m, p, C.uint64_t(max(len(b), 4)))
	}
	for i, b := range outs {
		bufs[len(ins)+i] = C.hearth_mtl_buffer(&d.m, nil, C.uint64_t(max(len(b), 4)))
	}
	for i := 0; i < n; i++ {
		if bufs[i] == nil {
			return fmt.Errorf("metal: %s: buffer %d could not be allocated", fn, i)
		}
	}
	name := C.CString(fn)
	defer C.free(unsafe.Pointer(name))
	var msg [1024]C.char
	pt := C.int(0)
	if perThread {
		pt = 1
	}
	if rc := C.hearth_mtl_run(&d.m, name, &bufs[0], C.int(n), args, C.int(argBytes), C.int(gx), C.int(gy), pt, &msg[0], C.int(len(msg))); rc != 0 {
		return fmt.Errorf("metal: %s: %s", fn, C.GoString(&msg[0]))
	}
	for i, b := range outs {
		copy(b, unsafe.Slice((*byte)(C.hearth_mtl_contents(bufs[len(ins)+i])), len(b)))
	}
	if inPlace {
		copy(ins[0], unsafe.Slice((*byte)(C.hearth_mtl_contents(bufs[0])), len(ins[0])))
	}
	return nil
}

func f32Bytes(x []float32) []byte {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 4*len(x))
}

// MatMul runs mm_<fmt> for F32, F16, Q4_0 and Q8_0 weights.
func (k *Kernels) MatMul(w cpu.Matrix, x []float32, n int, y []float32) error {
	s, ok := mmSuffix[w.Type]
	if !ok {
		return fmt.Errorf("metal: no matmul kernel for %s weights yet", w.Type)
	}
	if n < 1 || len(x) < n*w.Cols || len(y) < n*w.Rows || w.Cols%16 != 0 {
		return fmt.Errorf("metal: matmul %d×%d by %d rows: x has %d values, y %d", w.Rows, w.Cols, n, len(x), len(y))
	}
	a := matArgs{Stride: uint64(w.Stride), Cols: int32(w.Cols), Rows: int32(w.Rows), N: int32(n)}
	return k.run("mm_"+s, [][]byte{w.Data, f32Bytes(x[:n*w.Cols])}, [][]byte{f32Bytes(y[:n*w.Rows])}, false, unsafe.Pointer(&a), int(unsafe.Sizeof(a)), w.Rows, n, false)
}

// RMSNorm runs rmsnorm over the rows of x.
func (k *Kernels) RMSNorm(x, weight []float32, n int, eps float32) error {
	if n <= 0 || len(x) == 0 || len(x)%n != 0 || (weight != nil && len(weight) < n) {
		return fmt.Errorf("metal: rmsnorm of %d values in rows of %d", len(x), n)
	}
	a := rowArgs{N: int32(n), Rows: int32(len(x) / n), Eps: eps}
	w := make([]float32, 1)
	if weight != nil {
		a.HasWeight, w = 1, weight[:n]
	}
	return k.run("rmsnorm", [][]byte{f32Bytes(x), f32Bytes(w)}, nil, true, unsafe.Pointer(&a), int(unsafe.Sizeof(a)), len(x)/n, 1, false)
}

// SwiGLU runs swiglu.
func (k *Kernels) SwiGLU(gate, up []float32) error {
	if len(up) < len(gate) || len(gate) == 0 {
		return fmt.Errorf("metal: swiglu: %d up values for %d gate values", len(up), len(gate))
	}
	a := rowArgs{N: int32(len(gate)), Rows: 1}
	return k.run("swiglu", [][]byte{f32Bytes(gate), f32Bytes(up[:len(gate)])}, nil, true, unsafe.Pointer(&a), int(unsafe.Sizeof(a)), len(gate), 1, true)
}

var errMissing = func(what string) error { return fmt.Errorf("metal: the %s kernel is not written yet", what) }

// Dequant is not written for Metal yet.
func (k *Kernels) Dequant(cpu.Matrix, []float32) error { return errMissing("dequant") }

// Softmax is not written for Metal yet.
func (k *Kernels) Softmax([]float32, int) error { return errMissing("softmax") }

// RoPE is not written for Metal yet.
func (k *Kernels) RoPE([]float32, int, int, []float32, []float32) error { return errMissing("rope") }

// TopK is not written for Metal yet.
func (k *Kernels) TopK([]float32, int, int, []int32, []float32) error { return errMissing("top-k") }

// Attend is not written for Metal yet.
func (k *Kernels) Attend(backend.Attention) error { return errMissing("attention") }
