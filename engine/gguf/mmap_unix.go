//go:build unix

package gguf

import (
	"fmt"
	"os"
	"syscall"
)

// mapping is a read-only view of a whole file.
type mapping struct {
	path   string
	data   []byte
	mapped bool
}

func mapFile(path string) (mapping, error) {
	fd, err := os.Open(path)
	if err != nil {
		return mapping{}, err
	}
	defer fd.Close()
	st, err := fd.Stat()
	if err != nil {
		return mapping{}, err
	}
	size := st.Size()
	if size == 0 {
		return mapping{path: path}, nil // parsing reports the empty file
	}
	if size != int64(int(size)) {
		return mapping{}, fmt.Errorf("%s: file of %d bytes is too large to map", path, size)
	}
	data, err := syscall.Mmap(int(fd.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return mapping{}, fmt.Errorf("%s: mmap: %w", path, err)
	}
	return mapping{path: path, data: data, mapped: true}, nil
}

func (m mapping) close() error {
	if !m.mapped {
		return nil
	}
	return syscall.Munmap(m.data)
}
