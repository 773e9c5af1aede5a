package contextdir

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkWalk reads a generated tree of 2,000 source-like files.
func BenchmarkWalk(b *testing.B) {
	files := map[string]string{".gitignore": "*.log\nbuild/\n"}
	body := strings.Repeat("func f() { return 42 } // a line of code\n", 50)
	for i := range 2000 {
		files[fmt.Sprintf("pkg%02d/sub%d/file%04d.go", i%40, i%3, i)] = body
	}
	root := tree(b, files)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Walk(context.Background(), root, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(2000*b.N)/b.Elapsed().Seconds(), "files/s")
}
