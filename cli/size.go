package cli

import (
	"fmt"
	"strconv"
	"strings"
)

// byteSize is a flag holding a size in bytes, written as a plain number or
// with a binary suffix: 512MiB, 8GiB, 8G (K, M, G, T are powers of 1024).
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

// Set parses a size such as 8GiB.
func (b *byteSize) Set(s string) error {
	units := []struct {
		suffix string
		shift  uint
	}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"T", 40}, {"G", 30}, {"M", 20}, {"K", 10}, {"B", 0}}
	num, shift := strings.TrimSpace(s), uint(0)
	for _, u := range units {
		if strings.HasSuffix(num, u.suffix) {
			num, shift = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.shift
			break
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 || v*float64(int64(1)<<shift) > 1<<62 {
		return fmt.Errorf("%q is not a size (e.g. 8GiB, 512MiB, 1073741824)", s)
	}
	*b = byteSize(v * float64(int64(1)<<shift))
	return nil
}
