package cuda

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// cacheKey names a compiled kernel image: a hash of the source, the
// compiler options and the NVRTC version, and the architecture in clear.
func cacheKey(source string, options []string, nvrtcVersion, arch string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s", nvrtcVersion, strings.Join(options, "\x00"), source)
	return fmt.Sprintf("kernels-%s-%s.cubin", arch, hex.EncodeToString(h.Sum(nil))[:16])
}

// readCache returns a cached image, or nil.
func readCache(dir, key string) []byte {
	b, err := os.ReadFile(filepath.Join(dir, key))
	if err != nil || len(b) == 0 {
		return nil
	}
	return b
}

// writeCache stores an image atomically (a temporary file renamed), so a
// crash never leaves a truncated image that a later run would load.
func writeCache(dir, key string, image []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cuda: kernel cache: %w", err)
	}
	tmp, err := os.CreateTemp(dir, key+".*.tmp")
	if err != nil {
		return fmt.Errorf("cuda: kernel cache: %w", err)
	}
	_, werr := tmp.Write(image)
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cuda: kernel cache: write %s: %v %v", tmp.Name(), werr, cerr)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, key)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cuda: kernel cache: %w", err)
	}
	return nil
}
