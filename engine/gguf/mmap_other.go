//go:build !unix

package gguf

import "os"

// mapping holds the whole file. Without mmap (Windows for now) the file is
// read into memory; the API is the same.
type mapping struct {
	path string
	data []byte
}

func mapFile(path string) (mapping, error) {
	data, err := os.ReadFile(path)
	return mapping{path: path, data: data}, err
}

func (m mapping) close() error { return nil }
