// Package gguf reads and writes GGUF v2/v3 model files, the container format
// of llama.cpp and of the models people download.
//
// Open maps a file read-only and hands out tensors as zero-copy views into
// the mapping; split models ("name-00001-of-00003.gguf") open as one File.
// Every malformed input is reported as an error naming the file and the
// problem, never a panic. Writer produces files in llama.cpp's packed layout
// (tests and synthetic benchmark models use it).
package gguf
