package gguf

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// File is an open GGUF model: the metadata of its first part and the tensors
// of all its parts, as views into read-only mappings.
type File struct {
	// Path is the path Open was given (the first part of a split model).
	Path string
	// Version is the GGUF version of the (first) file: 2 or 3.
	Version uint32
	// Alignment is the data alignment of the (first) file.
	Alignment int

	kvs     []kv
	kvIndex map[string]int
	tensors []*Tensor
	byName  map[string]*Tensor
	maps    []mapping
}

// splitName matches the names llama.cpp's gguf-split gives the parts of a model.
var splitName = regexp.MustCompile(`^(.*)-(\d{5})-of-(\d{5})\.gguf$`)

// Open maps the GGUF file at path. If path names the first part of a split
// model, all parts are opened and merged into one File.
func Open(path string) (*File, error) {
	m := splitName.FindStringSubmatch(path)
	if m == nil {
		return openParts([]string{path})
	}
	no, _ := strconv.Atoi(m[2])
	count, _ := strconv.Atoi(m[3])
	if no != 1 {
		return nil, fmt.Errorf("gguf: %s: this is part %d of a split model; open part 1 (%s-00001-of-%s.gguf)", path, no, m[1], m[3])
	}
	if count < 1 {
		return nil, fmt.Errorf("gguf: %s: split count is 0", path)
	}
	paths := make([]string, count)
	for i := range paths {
		paths[i] = fmt.Sprintf("%s-%05d-of-%s.gguf", m[1], i+1, m[3])
	}
	return openParts(paths)
}

func openParts(paths []string) (*File, error) {
	f := &File{Path: paths[0], kvIndex: map[string]int{}, byName: map[string]*Tensor{}}
	if err := f.load(paths); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func (f *File) load(paths []string) error {
	for i, path := range paths {
		mp, err := mapFile(path)
		if err != nil {
			return fmt.Errorf("gguf: %w", err)
		}
		f.maps = append(f.maps, mp)
		p, err := parsePart(path, mp.data)
		if err != nil {
			return err
		}
		if i == 0 {
			f.Version, f.Alignment = p.version, p.alignment
			for _, e := range p.kvs {
				f.kvIndex[e.key] = len(f.kvs)
				f.kvs = append(f.kvs, e)
			}
		}
		if len(paths) > 1 {
			if err := checkSplitPart(p, i, len(paths)); err != nil {
				return fmt.Errorf("gguf: %s: %w", path, err)
			}
		}
		for _, t := range p.tensors {
			if _, dup := f.byName[t.Name]; dup {
				return fmt.Errorf("gguf: %s: tensor %q is also in an earlier part", path, t.Name)
			}
			f.byName[t.Name] = t
			f.tensors = append(f.tensors, t)
		}
	}
	if len(paths) > 1 {
		if want, ok := f.Int("split.tensors.count"); ok && want != int64(len(f.tensors)) {
			return fmt.Errorf("gguf: %s: split.tensors.count says %d tensors, the %d parts hold %d", f.Path, want, len(paths), len(f.tensors))
		}
	}
	return nil
}

// checkSplitPart verifies that part i of n says so in its split.* keys.
func checkSplitPart(p *part, i, n int) error {
	get := func(key string) (int64, bool) {
		for _, e := range p.kvs {
			if e.key == key {
				return asInt64(e.val.Any())
			}
		}
		return 0, false
	}
	no, ok1 := get("split.no")
	count, ok2 := get("split.count")
	if !ok1 || !ok2 {
		return errors.New("split part lacks split.no or split.count")
	}
	if no != int64(i) || count != int64(n) {
		return fmt.Errorf("split keys say part %d of %d, expected part %d of %d", no, count, i, n)
	}
	return nil
}

// Close unmaps the file. Tensor data views must not be used afterwards.
func (f *File) Close() error {
	var first error
	for _, m := range f.maps {
		if err := m.close(); err != nil && first == nil {
			first = err
		}
	}
	f.maps = nil
	return first
}

// Tensors returns every tensor, in file order (parts in order).
func (f *File) Tensors() []*Tensor { return f.tensors }

// Tensor returns the tensor with the given name.
func (f *File) Tensor(name string) (*Tensor, bool) {
	t, ok := f.byName[name]
	return t, ok
}

// Size returns the total bytes of the mapped file parts.
func (f *File) Size() int64 {
	var n int64
	for _, m := range f.maps {
		n += int64(len(m.data))
	}
	return n
}

// Parts returns the paths of the files that make up the model.
func (f *File) Parts() []string {
	out := make([]string, len(f.maps))
	for i, m := range f.maps {
		out[i] = m.path
	}
	return out
}
