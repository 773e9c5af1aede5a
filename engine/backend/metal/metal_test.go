package metal

import (
	"regexp"
	"testing"
)

// TestSourceDeclaresEveryKernel checks, on any OS, that each kernel the Go
// side dispatches is a kernel function of the MSL source. (The source itself
// is only compiled by Apple's compiler, at run time on a Mac.)
func TestSourceDeclaresEveryKernel(t *testing.T) {
	decl := regexp.MustCompile(`kernel void (\w+)\(`)
	have := map[string]bool{}
	for _, m := range decl.FindAllStringSubmatch(Source, -1) {
		have[m[1]] = true
	}
	macro := regexp.MustCompile(`(?m)^HEARTH_MATMUL\((\w+)\)`)
	for _, m := range macro.FindAllStringSubmatch(Source, -1) {
		have["mm_"+m[1]] = true
	}
	for _, n := range KernelNames() {
		if !have[n] {
			t.Errorf("kernel %s is not in kernels.metal (have %v)", n, have)
		}
	}
}

// TestOpenOffMacReportsWhy checks the fallback reason off macOS.
func TestOpenOffMacReportsWhy(t *testing.T) {
	d, err := Open()
	if err == nil {
		d.Close()
		t.Skip("a Metal device opened: this is a Mac")
	}
	t.Logf("Open: %v", err)
}
