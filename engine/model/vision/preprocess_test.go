package vision

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hearth/engine/imageprep"
)

func solidPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngClaiming is a PNG signature and a valid IHDR for a w×h RGB image,
// with no pixel data.
func pngClaiming(w, h uint32) []byte {
	chunk := []byte("IHDR")
	chunk = binary.BigEndian.AppendUint32(chunk, w)
	chunk = binary.BigEndian.AppendUint32(chunk, h)
	chunk = append(chunk, 8, 2, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

func TestPreprocessRejectsBadImages(t *testing.T) {
	dir := fixtureDir(t)
	p := loadFixtureProjector(t, dir)
	good, err := os.ReadFile(filepath.Join(dir, "images", "wide-500x300.png"))
	if err != nil {
		t.Fatal(err)
	}
	bmp := append([]byte("BM"), make([]byte, 64)...)
	tiff := append([]byte("II*\x00"), make([]byte, 64)...)
	tests := []struct {
		name    string
		data    []byte
		want    error
		mention string
	}{
		{"truncated png", good[:len(good)-len(good)/3], imageprep.ErrCorrupt, "corrupt"},
		{"png header claims 100000×100000", pngClaiming(100000, 100000), imageprep.ErrTooLarge, "exceeds"},
		{"garbage", []byte{0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5}, imageprep.ErrUnsupportedFormat, "unrecognised"},
		{"bmp", bmp, imageprep.ErrUnsupportedFormat, "BMP"},
		{"tiff", tiff, imageprep.ErrUnsupportedFormat, "TIFF"},
		{"empty", nil, imageprep.ErrCorrupt, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := p.Preprocess(tt.data)
			if err == nil {
				t.Fatalf("got %d tiles, want an error", len(img.Tiles))
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q: want it to wrap %q and mention %q", err, tt.want, tt.mention)
			}
		})
	}
}

func TestPreprocessHonoursLimits(t *testing.T) {
	p := loadFixtureProjector(t, fixtureDir(t))
	p.Limits = imageprep.Limits{MaxPixels: 1000}
	if _, err := p.Preprocess(solidPNG(t, 40, 30)); !errors.Is(err, imageprep.ErrTooLarge) {
		t.Errorf("1200 pixels with a 1000-pixel limit: err = %v", err)
	}
}

func TestEncodeRejectsBadTiles(t *testing.T) {
	p := loadFixtureProjector(t, fixtureDir(t))
	for _, img := range []*Image{nil, {}, {Tiles: [][]float32{make([]float32, 10)}}} {
		if _, err := p.Encode(img); err == nil {
			t.Errorf("Encode(%v): no error", img)
		}
	}
}
