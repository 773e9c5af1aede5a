package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"hearth/engine/synth"
)

// benchStandard benchmarks every synthetic model, each in a child process
// of its own so that peak RSS and the bandwidth probe belong to that model
// alone, and prints the Markdown table (also to o.markdown when set).
func benchStandard(o benchOptions, stdout, stderr io.Writer) int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "hearth bench:", err)
		return 1
	}
	var results []benchResult
	for _, name := range synth.Names() {
		args := []string{"bench", "--synthetic", name, "--json",
			"-p", strconv.Itoa(o.prompt), "-n", strconv.Itoa(o.gen), "-t", strconv.Itoa(o.threads),
			"-r", strconv.Itoa(o.reps), "--bandwidth-mib", strconv.Itoa(o.bandwidthMiB)}
		var out bytes.Buffer
		cmd := exec.Command(self, args...)
		cmd.Stdout, cmd.Stderr = &out, stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(stderr, "hearth bench: %s: %v\n", name, err)
			return 1
		}
		var r benchResult
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			fmt.Fprintf(stderr, "hearth bench: %s: reading the child's result: %v\n", name, err)
			return 1
		}
		results = append(results, r)
	}
	var table bytes.Buffer
	writeMarkdown(&table, results)
	stdout.Write(table.Bytes())
	if o.markdown != "" {
		if err := os.MkdirAll(filepath.Dir(o.markdown), 0o755); err != nil {
			fmt.Fprintln(stderr, "hearth bench:", err)
			return 1
		}
		if err := os.WriteFile(o.markdown, table.Bytes(), 0o644); err != nil {
			fmt.Fprintln(stderr, "hearth bench:", err)
			return 1
		}
	}
	return 0
}
