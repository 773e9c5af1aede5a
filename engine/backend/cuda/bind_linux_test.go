//go:build linux

package cuda

import (
	"testing"

	"github.com/ebitengine/purego"
)

// TestBindAllBindsUnexportedFields checks the symbol binding the driver
// and NVRTC tables use, against libc (present everywhere): unexported func
// fields are bound and callable, _v2 names are looked up where asked, and a
// missing symbol is an error rather than a panic.
func TestBindAllBindsUnexportedFields(t *testing.T) {
	h, err := purego.Dlopen("libc.so.6", purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		t.Skipf("no libc.so.6: %v", err)
	}
	var api struct {
		strlen func(s string) uint64
		abs    func(v int32) int32
	}
	if err := bindAll(h, &api, nil); err != nil {
		t.Fatal(err)
	}
	if n := api.strlen("hearth"); n != 6 {
		t.Errorf("strlen = %d", n)
	}
	if v := api.abs(-15); v != 15 {
		t.Errorf("abs = %d", v)
	}
	var missing struct{ hearth_no_such_symbol func() }
	if err := bindAll(h, &missing, nil); err == nil {
		t.Error("binding a missing symbol succeeded")
	}
	var v2 struct{ strlen func(s string) uint64 }
	if err := bindAll(h, &v2, map[string]bool{"strlen": true}); err == nil {
		t.Error("strlen_v2 does not exist, yet binding succeeded")
	}
}
