package imageprep

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

// DefaultMaxPixels is the largest image (width × height) Decode accepts when
// Limits.MaxPixels is zero: 50 megapixels, i.e. 150 MB of decoded RGB.
const DefaultMaxPixels = 50_000_000

// Errors callers can test with errors.Is.
var (
	// ErrUnsupportedFormat: the bytes are not PNG, JPEG, GIF or WebP.
	ErrUnsupportedFormat = errors.New("unsupported image format")
	// ErrTooLarge: the header claims more pixels than the limit allows.
	ErrTooLarge = errors.New("image too large")
	// ErrCorrupt: the file is truncated or malformed.
	ErrCorrupt = errors.New("corrupt image")
)

// Limits bounds what Decode accepts. The zero value means the defaults.
type Limits struct {
	// MaxPixels caps width × height; 0 means DefaultMaxPixels.
	MaxPixels int64
	// MaxFileBytes caps the file ReadFile reads; 0 means DefaultMaxFileBytes.
	MaxFileBytes int64
}

func (l Limits) maxPixels() int64 {
	if l.MaxPixels > 0 {
		return l.MaxPixels
	}
	return DefaultMaxPixels
}

// Format is an image container Decode understands.
type Format string

// The supported formats.
const (
	PNG  Format = "png"
	JPEG Format = "jpeg"
	GIF  Format = "gif"
	WebP Format = "webp"
)

// codec is one row of the format table: how to read a header and how to
// decode the pixels.
type codec struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

var codecs = map[Format]codec{
	PNG:  {png.DecodeConfig, png.Decode},
	JPEG: {jpeg.DecodeConfig, jpeg.Decode},
	GIF:  {gif.DecodeConfig, gif.Decode},
	WebP: {webp.DecodeConfig, webp.Decode},
}

// Sniff names the format of data from its magic bytes. For recognisable but
// unsupported formats the error names them.
func Sniff(data []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return JPEG, nil
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return GIF, nil
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return WebP, nil
	case bytes.HasPrefix(data, []byte("BM")):
		return "", fmt.Errorf("imageprep: BMP: %w (want PNG, JPEG, GIF or WebP)", ErrUnsupportedFormat)
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return "", fmt.Errorf("imageprep: TIFF: %w (want PNG, JPEG, GIF or WebP)", ErrUnsupportedFormat)
	}
	return "", fmt.Errorf("imageprep: %w: unrecognised file signature (want PNG, JPEG, GIF or WebP)", ErrUnsupportedFormat)
}

// Decode decodes a PNG, JPEG, GIF (first frame) or WebP file to 8-bit RGB
// the way llama.cpp's stb_image loader does: alpha is dropped without
// compositing and 16-bit samples keep their high byte. A JPEG's EXIF
// orientation is applied. The header is checked against lim before any
// pixel buffer is allocated.
func Decode(data []byte, lim Limits) (*RGB, error) {
	hdr, err := Check(data, lim)
	if err != nil {
		return nil, err
	}
	format := hdr.Format
	img, err := codecs[format].decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("imageprep: %s: %w: %w", format, ErrCorrupt, err)
	}
	rgb := toRGB(img, hdr.Width, hdr.Height)
	if format == JPEG {
		rgb = orient(rgb, jpegOrientation(data))
	}
	return rgb, nil
}

// checkSize rejects empty or oversized images from their header alone.
func checkSize(format Format, cfg image.Config, fileBytes int, maxPixels int64) error {
	w, h := int64(cfg.Width), int64(cfg.Height)
	if w <= 0 || h <= 0 {
		return fmt.Errorf("imageprep: %s: %w: header gives %d×%d pixels", format, ErrCorrupt, w, h)
	}
	if w > maxPixels || h > maxPixels || w*h > maxPixels {
		return fmt.Errorf("imageprep: %s: %w: %d×%d pixels exceeds the limit of %d", format, ErrTooLarge, w, h, maxPixels)
	}
	if format == PNG {
		// Deflate expands at most 1032:1, so a file shorter than the raw
		// scanlines' lower bound / 1032 must be truncated; rejecting it here
		// avoids allocating the pixel buffer for it.
		minBits := pngMinBitsPerPixel(cfg.ColorModel)
		raw := h * (1 + (w*minBits+7)/8)
		if int64(fileBytes)*1032 < raw {
			return fmt.Errorf("imageprep: png: %w: %d bytes cannot hold %d×%d pixels", ErrCorrupt, fileBytes, w, h)
		}
	}
	return nil
}

// pngMinBitsPerPixel is the fewest bits per pixel a PNG decoding to model
// can store (e.g. NRGBA may come from 8-bit gray+alpha, 16 bits).
func pngMinBitsPerPixel(model color.Model) int64 {
	switch model {
	case color.RGBAModel:
		return 24
	case color.NRGBAModel:
		return 16
	case color.Gray16Model:
		return 16
	case color.NRGBA64Model:
		return 32
	case color.RGBA64Model:
		return 48
	}
	return 1
}
