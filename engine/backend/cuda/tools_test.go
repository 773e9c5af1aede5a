package cuda

import (
	"os"
	"os/exec"
	"testing"
)

// requireTool returns the path of a tool the test needs; without it the
// test skips, except in CI (CI=true), where it must be installed
// (scripts/setup.sh test).
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI (scripts/setup.sh test installs it): %v", name, err)
		}
		t.Skipf("%s is not installed: %v", name, err)
	}
	return p
}
