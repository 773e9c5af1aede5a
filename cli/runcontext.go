package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"hearth/app/contextdir"
)

// skippedShown is how many skipped files `hearth run --context` lists.
const skippedShown = 20

// contextSystem reads the folder or document at path for `hearth run
// --context` and returns the system message that carries it, after
// telling stderr what was read and what was left out, and why.
func contextSystem(ctx context.Context, path, system string, maxFile int64, stderr io.Writer) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("--context: %w", err)
	}
	scan, err := contextdir.Walk(ctx, path, contextdir.Options{MaxFileBytes: maxFile})
	if err != nil {
		return "", fmt.Errorf("--context: %w", err)
	}
	var bytes int64
	for _, f := range scan.Files {
		bytes += f.Size
	}
	fmt.Fprintf(stderr, "[context %s: %d files, %s; %d skipped]\n", scan.Root, len(scan.Files), humanBytes(bytes), len(scan.Skipped))
	for i, s := range scan.Skipped {
		if i == skippedShown {
			fmt.Fprintf(stderr, "  … and %d more skipped\n", len(scan.Skipped)-skippedShown)
			break
		}
		fmt.Fprintf(stderr, "  skipped %s: %s\n", s.RelPath, s.Reason)
	}
	if len(scan.Files) == 0 {
		return "", fmt.Errorf("--context: %s holds no text file that can be read", scan.Root)
	}
	lay := contextdir.Lay(scan.Files, nil)
	return contextdir.SystemText(fi.Name(), !fi.IsDir(), lay, system), nil
}

// humanBytes writes a size in KiB below a MiB, in MiB above.
func humanBytes(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
