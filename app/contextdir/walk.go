package contextdir

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Defaults of Options' zero values.
const (
	DefaultMaxFileBytes = 1 << 20 // files bigger than this are skipped
	DefaultMaxFiles     = 20000   // files beyond this count are not read
)

// binarySniff is how much of a file is looked at for a NUL byte.
const binarySniff = 8 << 10

// progressEvery is how many entries pass between two Progress calls.
const progressEvery = 256

// Options tune a Walk; the zero value is usable.
type Options struct {
	MaxFileBytes int64 // 0: DefaultMaxFileBytes
	MaxFiles     int   // 0: DefaultMaxFiles
	// Progress, if set, is called now and then with how many entries were
	// looked at so far.
	Progress func(seen int)
	// Previous is an earlier scan of the same root: a file whose size and
	// modification time are unchanged is taken from it without reading.
	Previous *Scan
}

// File is one file read into the context.
type File struct {
	// RelPath is slash-separated and relative to the root (for a single
	// file: its base name).
	RelPath string
	Size    int64
	ModTime time.Time
	SHA256  string // lowercase hex of Text
	Text    string // valid UTF-8
}

// Skip is a file or folder left out, and why, in words for the user.
type Skip struct {
	RelPath string
	Reason  string
}

// Scan is what a Walk read.
type Scan struct {
	Root    string // absolute and clean
	IsFile  bool   // the root was a single file
	Files   []File // by RelPath
	Skipped []Skip // by RelPath
}

// Folders that are never read: their contents are fetched or generated.
var skippedFolders = map[string]string{
	".git": "version-control folder", ".hg": "version-control folder", ".svn": "version-control folder",
	"node_modules": "dependency folder", "bower_components": "dependency folder", ".venv": "dependency folder",
	"venv": "dependency folder", "__pycache__": "dependency folder", ".tox": "dependency folder",
	".mypy_cache": "dependency folder", ".pytest_cache": "dependency folder", ".gradle": "dependency folder",
	"dist": "build output folder", "target": "build output folder", ".next": "build output folder",
	".cache": "build output folder",
}

// Walk reads root: a folder, recursively, or a single file. It fails only
// when root itself cannot be used or ctx ends; every problem below the
// root becomes a Skip, and the walk goes on.
func Walk(ctx context.Context, root string, opt Options) (*Scan, error) {
	if opt.MaxFileBytes <= 0 {
		opt.MaxFileBytes = DefaultMaxFileBytes
	}
	if opt.MaxFiles <= 0 {
		opt.MaxFiles = DefaultMaxFiles
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, err
	}
	w := &walker{ctx: ctx, opt: opt, root: abs, realRoot: real, scan: &Scan{Root: abs}, byReal: map[string]string{}}
	if opt.Previous != nil && opt.Previous.Root == abs {
		w.prev = map[string]File{}
		for _, f := range opt.Previous.Files {
			w.prev[f.RelPath] = f
		}
	}
	switch {
	case fi.Mode().IsRegular():
		w.scan.IsFile = true
		w.readFile(abs, filepath.Base(abs), fi)
	case fi.IsDir():
		w.rules = w.loadIgnore(filepath.Join(abs, ".git", "info", "exclude"), "", ".git/info/exclude", nil)
		if err := w.dir(""); err != nil {
			return nil, err
		}
		w.readLinks()
	default:
		return nil, fmt.Errorf("%s is neither a file nor a folder", abs)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if w.overflow > 0 {
		w.skip("", fmt.Sprintf("more than %d files: %d more not read", opt.MaxFiles, w.overflow))
	}
	sort.Slice(w.scan.Files, func(i, j int) bool { return w.scan.Files[i].RelPath < w.scan.Files[j].RelPath })
	sort.SliceStable(w.scan.Skipped, func(i, j int) bool { return w.scan.Skipped[i].RelPath < w.scan.Skipped[j].RelPath })
	return w.scan, nil
}

type walker struct {
	ctx      context.Context
	opt      Options
	root     string // as given, absolute
	realRoot string // with symbolic links resolved
	scan     *Scan
	rules    ignoreRules
	prev     map[string]File
	byReal   map[string]string // real path → RelPath of the file read from it
	links    []link            // symbolic links to files, read after the walk
	seen     int
	overflow int
}

// link is a symbolic link to a file inside the root.
type link struct {
	rel, target string
	fi          fs.FileInfo
}

func (w *walker) skip(rel, reason string) {
	w.scan.Skipped = append(w.scan.Skipped, Skip{RelPath: rel, Reason: reason})
}

func (w *walker) tick() {
	w.seen++
	if w.opt.Progress != nil && w.seen%progressEvery == 0 {
		w.opt.Progress(w.seen)
	}
}

// dir reads the folder rel (relative to the root, "" for the root).
func (w *walker) dir(rel string) error {
	full := filepath.Join(w.root, filepath.FromSlash(rel))
	entries, err := os.ReadDir(full)
	if err != nil {
		if rel == "" {
			return err
		}
		w.skip(rel+"/", "unreadable: "+reasonOf(err))
		return nil
	}
	saved := w.rules
	defer func() { w.rules = saved }()
	w.rules = w.loadIgnore(filepath.Join(full, ".gitignore"), rel, path.Join(rel, ".gitignore"), w.rules)
	for _, e := range entries {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		w.tick()
		name := e.Name()
		childRel := path.Join(rel, name)
		if !utf8.ValidString(name) {
			w.skip(strings.ToValidUTF8(childRel, "\uFFFD"), "file name is not valid UTF-8")
			continue
		}
		childFull := filepath.Join(full, name)
		switch t := e.Type(); {
		case t.IsDir():
			if why, ok := skippedFolders[name]; ok {
				w.skip(childRel+"/", why)
				continue
			}
			if r, ignored := w.rules.match(childRel, true); ignored {
				w.skip(childRel+"/", r.reason())
				continue
			}
			if err := w.dir(childRel); err != nil {
				return err
			}
		case t&fs.ModeSymlink != 0:
			w.symlink(childRel, childFull)
		case t.IsRegular():
			if r, ignored := w.rules.match(childRel, false); ignored {
				w.skip(childRel, r.reason())
				continue
			}
			fi, err := e.Info()
			if err != nil {
				w.skip(childRel, "unreadable: "+reasonOf(err))
				continue
			}
			w.byReal[filepath.Join(w.realRoot, filepath.FromSlash(childRel))] = childRel
			w.readFile(childFull, childRel, fi)
		default:
			// A fifo would block a read forever; devices and sockets are not text.
			w.skip(childRel, "not a regular file")
		}
	}
	return nil
}

// symlink handles a symbolic link: one to a file inside the root is read
// after the walk (once, if its target is not read anyway); every other
// kind is skipped.
func (w *walker) symlink(rel, full string) {
	target, err := filepath.EvalSymlinks(full)
	if err != nil {
		w.skip(rel, "broken symbolic link")
		return
	}
	if inside, err := filepath.Rel(w.realRoot, target); err != nil || inside == ".." || strings.HasPrefix(inside, ".."+string(filepath.Separator)) {
		w.skip(rel, "symbolic link pointing outside the folder")
		return
	}
	fi, err := os.Stat(target)
	switch {
	case err != nil:
		w.skip(rel, "unreadable: "+reasonOf(err))
	case fi.IsDir():
		w.skip(rel, "symbolic link to a folder (not followed)")
	case !fi.Mode().IsRegular():
		w.skip(rel, "not a regular file")
	default:
		if r, ignored := w.rules.match(rel, false); ignored {
			w.skip(rel, r.reason())
			return
		}
		w.links = append(w.links, link{rel: rel, target: target, fi: fi})
	}
}

// readLinks reads the linked files whose targets the walk did not read.
func (w *walker) readLinks() {
	for _, l := range w.links {
		if other, ok := w.byReal[l.target]; ok {
			w.skip(l.rel, "same file as "+other)
			continue
		}
		w.byReal[l.target] = l.rel
		w.readFile(l.target, l.rel, l.fi)
	}
}

// readFile reads one file into the scan, or skips it with the reason.
func (w *walker) readFile(full, rel string, fi fs.FileInfo) {
	if len(w.scan.Files) >= w.opt.MaxFiles {
		w.overflow++
		return
	}
	if strings.EqualFold(path.Ext(rel), ".pdf") {
		w.skip(rel, "PDF (text extraction not supported)")
		return
	}
	if fi.Size() > w.opt.MaxFileBytes {
		w.skip(rel, fmt.Sprintf("larger than %s (%s)", sizeText(w.opt.MaxFileBytes), sizeText(fi.Size())))
		return
	}
	if p, ok := w.prev[rel]; ok && p.Size == fi.Size() && p.ModTime.Equal(fi.ModTime()) {
		w.scan.Files = append(w.scan.Files, p)
		return
	}
	data, err := readLimited(full, w.opt.MaxFileBytes)
	switch {
	case errors.Is(err, errTooLarge):
		w.skip(rel, fmt.Sprintf("larger than %s (it grew while read)", sizeText(w.opt.MaxFileBytes)))
		return
	case err != nil:
		w.skip(rel, "unreadable: "+reasonOf(err))
		return
	}
	if bytes.IndexByte(data[:min(len(data), binarySniff)], 0) >= 0 {
		w.skip(rel, "binary file")
		return
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		w.skip(rel, "not valid UTF-8 text")
		return
	}
	sum := sha256.Sum256(data)
	w.scan.Files = append(w.scan.Files, File{RelPath: rel, Size: fi.Size(), ModTime: fi.ModTime(),
		SHA256: hex.EncodeToString(sum[:]), Text: string(data)})
}

var errTooLarge = errors.New("file too large")

// readLimited reads a file of at most limit bytes; a file that grew past
// it since its size was looked at is not read whole.
func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errTooLarge
	}
	return data, nil
}

// loadIgnore adds the rules of an ignore file, if there is one, to rules.
func (w *walker) loadIgnore(file, base, source string, rules ignoreRules) ignoreRules {
	data, err := readLimited(file, w.opt.MaxFileBytes)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			w.skip(source, "unreadable, so not honoured: "+reasonOf(err))
		}
		return rules
	}
	// A copy: the parent folder's slice must not see this folder's rules.
	return append(append(ignoreRules{}, rules...), parseIgnore(data, base, source)...)
}

// reasonOf is an error's cause without the path, which the list shows.
func reasonOf(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// sizeText writes a size with a binary unit.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
