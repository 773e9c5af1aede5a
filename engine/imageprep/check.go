package imageprep

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// Header is what an image file's header says, read without decoding pixels.
type Header struct {
	Format        Format
	Width, Height int
}

// Check reads only the header of data and applies the checks Decode does
// before it allocates pixels: a supported format, sane dimensions within
// lim, and (for PNG) a file long enough to hold them. It is cheap enough to
// run on every attached file before any slow work (loading a model), so a
// bad image fails at once. Decode may still find the pixel data corrupt.
func Check(data []byte, lim Limits) (Header, error) {
	if len(data) == 0 {
		return Header{}, fmt.Errorf("imageprep: %w: empty file", ErrCorrupt)
	}
	format, err := Sniff(data)
	if err != nil {
		return Header{}, err
	}
	cfg, err := codecs[format].config(bytes.NewReader(data))
	if err != nil {
		return Header{}, fmt.Errorf("imageprep: %s header: %w: %w", format, ErrCorrupt, err)
	}
	if err := checkSize(format, cfg, len(data), lim.maxPixels()); err != nil {
		return Header{}, err
	}
	return Header{Format: format, Width: cfg.Width, Height: cfg.Height}, nil
}

// DefaultMaxFileBytes is the largest image file ReadFile reads when
// Limits.MaxFileBytes is zero: far above any real photo, far below what
// would strain memory.
const DefaultMaxFileBytes = 256 << 20

func (l Limits) maxFileBytes() int64 {
	if l.MaxFileBytes > 0 {
		return l.MaxFileBytes
	}
	return DefaultMaxFileBytes
}

// ReadFile reads the image file at path, refusing one larger than
// lim.MaxFileBytes before reading it, and checks its header (see Check).
func ReadFile(path string, lim Limits) ([]byte, Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Header{}, fmt.Errorf("imageprep: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, Header{}, fmt.Errorf("imageprep: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, Header{}, fmt.Errorf("imageprep: %w: not a regular file", ErrUnsupportedFormat)
	}
	if fi.Size() > lim.maxFileBytes() {
		return nil, Header{}, fmt.Errorf("imageprep: %w: the file is %d bytes, the limit is %d", ErrTooLarge, fi.Size(), lim.maxFileBytes())
	}
	// Read at most one byte past the limit, in case the file grew.
	data, err := io.ReadAll(io.LimitReader(f, lim.maxFileBytes()+1))
	if err != nil {
		return nil, Header{}, fmt.Errorf("imageprep: read: %w", err)
	}
	if int64(len(data)) > lim.maxFileBytes() {
		return nil, Header{}, fmt.Errorf("imageprep: %w: the file grew past the limit of %d bytes", ErrTooLarge, lim.maxFileBytes())
	}
	hdr, err := Check(data, lim)
	if err != nil {
		return nil, Header{}, err
	}
	return data, hdr, nil
}
