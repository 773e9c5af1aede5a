//go:build linux

package cuda

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"
)

// emulator runs kernels.cu on the host: testdata/emu.cpp compiles the same
// source as C++ (a block's threads as coroutines, __syncthreads a switch to the
// next) into a shared library that purego opens. The Kernels under test
// are the ones a GPU runs, argument packing included; only the launcher
// differs.
type emulator struct {
	alloc_   func(n uintptr) uintptr
	free_    func(p uintptr)
	copy_    func(dst, src unsafe.Pointer, n uintptr)
	launch_  func(name string, gx, gy, bx int32, args unsafe.Pointer) int32
	argSize_ func(name string) uintptr
}

var (
	emuOnce sync.Once
	emuDir  string
	emuLib  *emulator
	emuErr  string
)

// TestMain removes the emulator's build directory after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if emuDir != "" {
		os.RemoveAll(emuDir)
	}
	os.Exit(code)
}

// newEmulator builds the emulator library once per test run and opens it.
func newEmulator(t *testing.T) *emulator {
	t.Helper()
	gxx := requireTool(t, "g++")
	emuOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hearth-cuda-emu-")
		if err != nil {
			emuErr = err.Error()
			return
		}
		emuDir = dir
		so := filepath.Join(dir, "emu.so")
		cmd := exec.Command(gxx, "-std=c++20", "-O1", "-ffp-contract=off", "-shared", "-fPIC", "-o", so, "testdata/emu.cpp")
		if out, err := cmd.CombinedOutput(); err != nil {
			emuErr = fmt.Sprintf("building the kernel emulator: %v\n%s", err, out)
			return
		}
		h, err := purego.Dlopen(so, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err != nil {
			emuErr = fmt.Sprintf("opening the emulator: %v", err)
			return
		}
		e := &emulator{}
		purego.RegisterLibFunc(&e.alloc_, h, "emu_alloc")
		purego.RegisterLibFunc(&e.free_, h, "emu_free")
		purego.RegisterLibFunc(&e.copy_, h, "emu_copy")
		purego.RegisterLibFunc(&e.launch_, h, "emu_launch")
		purego.RegisterLibFunc(&e.argSize_, h, "emu_arg_size")
		emuLib = e
	})
	if emuLib == nil {
		t.Fatal(emuErr)
	}
	return emuLib
}

func (e *emulator) alloc(n int) (uint64, error) { return uint64(e.alloc_(uintptr(n))), nil }
func (e *emulator) free(p uint64)               { e.free_(uintptr(p)) }

// devPtr turns an emulated device address (host memory the emulator
// allocated) into a pointer for emu_copy.
func devPtr(p uint64) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&p))
}

func (e *emulator) upload(dst uint64, src unsafe.Pointer, n int) error {
	e.copy_(devPtr(dst), src, uintptr(n))
	return nil
}

func (e *emulator) download(dst unsafe.Pointer, src uint64, n int) error {
	e.copy_(dst, devPtr(src), uintptr(n))
	return nil
}

func (e *emulator) launch(kernel string, gx, gy int, args unsafe.Pointer) error {
	if rc := e.launch_(kernel, int32(gx), int32(gy), BlockThreads, args); rc != 0 {
		return &launchError{kernel: kernel, code: int(rc)}
	}
	return nil
}

type launchError struct {
	kernel string
	code   int
}

func (l *launchError) Error() string { return "emulator: launch of " + l.kernel + " failed" }

func TestEmulatedArgLayout(t *testing.T) {
	e := newEmulator(t)
	for name, size := range argSizes {
		if c := e.argSize_(name); c != size {
			t.Errorf("%s: C sizeof %d, Go %d", name, c, size)
		}
	}
}

// TestEmulatedKernelsMatchCPU runs every kernel, through the same Kernels
// code a GPU uses, on the emulator and compares it with the CPU kernels.
func TestEmulatedKernelsMatchCPU(t *testing.T) {
	compareWithCPU(t, &Kernels{dev: newEmulator(t)}, true)
}
