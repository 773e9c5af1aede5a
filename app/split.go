package app

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
)

// splitName matches the part names llama.cpp's gguf-split writes
// ("name-00001-of-00003.gguf"); the engine opens such a model from part 1.
var splitName = regexp.MustCompile(`^(.*)-(\d{5})-of-(\d{5})\.gguf$`)

// modelParts returns the files of the model whose part path is: all parts
// of a split model, in order, or just path.
func modelParts(path string) []string {
	m := splitName.FindStringSubmatch(path)
	if m == nil {
		return []string{path}
	}
	n, err := strconv.Atoi(m[3])
	if err != nil || n < 1 {
		return []string{path}
	}
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("%s-%05d-of-%s.gguf", m[1], i+1, m[3])
	}
	return parts
}

// partsSize sums the sizes of files, failing on the first one missing.
func partsSize(files []string) (int64, error) {
	var total int64
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			return 0, err
		}
		total += fi.Size()
	}
	return total, nil
}
