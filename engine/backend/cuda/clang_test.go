package cuda

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestKernelsCompileWithClang compiles kernels.cu for the GPU with clang's
// CUDA front end — no CUDA SDK: testdata/clang_cuda.h stands in for its
// headers — to PTX for sm_70 and sm_80, warnings as errors, and checks that
// every kernel the Go side launches is an entry point. A typo in a kernel
// string fails here, on machines without a GPU; CI requires clang.
func TestKernelsCompileWithClang(t *testing.T) {
	clang := requireTool(t, "clang")
	for _, arch := range []string{"sm_70", "sm_80"} {
		t.Run(arch, func(t *testing.T) {
			ptx := filepath.Join(t.TempDir(), "kernels.ptx")
			cmd := exec.Command(clang, "-x", "cuda", "--cuda-gpu-arch="+arch, "-nocudainc", "-nocudalib",
				"--cuda-device-only", "-S", "-Wall", "-Werror", "-include", "testdata/clang_cuda.h", "-o", ptx, "kernels.cu")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("clang: %v\n%s", err, out)
			}
			text, err := os.ReadFile(ptx)
			if err != nil {
				t.Fatal(err)
			}
			entries := map[string]bool{}
			for _, m := range regexp.MustCompile(`\.entry\s+(\w+)`).FindAllSubmatch(text, -1) {
				entries[string(m[1])] = true
			}
			for _, name := range KernelNames() {
				if !entries[name] {
					t.Errorf("kernel %s is not an entry point of the PTX (have %v)", name, entries)
				}
			}
			if len(entries) != len(KernelNames()) {
				t.Errorf("PTX has %d entry points, the Go side knows %d", len(entries), len(KernelNames()))
			}
		})
	}
}
