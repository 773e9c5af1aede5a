package imageprep

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pngHeader returns a PNG signature and a valid IHDR chunk (8-bit RGB) for
// a w×h image, with no pixel data after it.
func pngHeader(w, h uint32) []byte {
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // bit depth 8, colour type RGB
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr[:]...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// bitWriter packs bits least-significant first, as WebP lossless does.
type bitWriter struct {
	buf   []byte
	nbits uint
}

func (w *bitWriter) write(v uint32, n uint) {
	for i := uint(0); i < n; i++ {
		if w.nbits%8 == 0 {
			w.buf = append(w.buf, 0)
		}
		w.buf[len(w.buf)-1] |= byte((v>>i)&1) << (w.nbits % 8)
		w.nbits++
	}
}

// solidWebP builds a lossless WebP of one colour: every prefix code is a
// one-symbol "simple" code, so the pixels themselves take no bits.
func solidWebP(w, h int, c color.NRGBA) []byte {
	var bw bitWriter
	bw.write(uint32(w-1), 14)
	bw.write(uint32(h-1), 14)
	bw.write(0, 1) // alpha hint
	bw.write(0, 3) // version
	bw.write(0, 1) // no transform
	bw.write(0, 1) // no colour cache
	bw.write(0, 1) // no meta prefix codes
	for _, sym := range []byte{c.G, c.R, c.B, c.A} {
		bw.write(1, 1) // simple code
		bw.write(0, 1) // one symbol
		bw.write(1, 1) // 8-bit symbol
		bw.write(uint32(sym), 8)
	}
	bw.write(1, 1) // distance code: simple, one 1-bit symbol 0
	bw.write(0, 1)
	bw.write(0, 1)
	bw.write(0, 1)
	payload := append([]byte{0x2f}, bw.buf...)
	if len(payload)%2 == 1 {
		payload = append(payload, 0)
	}
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(4+8+len(payload)))
	b.WriteString("WEBPVP8L")
	binary.Write(&b, binary.LittleEndian, uint32(len(payload)-len(payload)%2))
	b.Write(payload)
	return b.Bytes()
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDecodeRejectsBadInput(t *testing.T) {
	dir := visionFixtures(t)
	good, err := os.ReadFile(filepath.Join(dir, "images", "wide-500x300.png"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		data    []byte
		want    error
		message string
	}{
		{"empty", nil, ErrCorrupt, "empty"},
		{"garbage", []byte("this is not an image, just some text bytes"), ErrUnsupportedFormat, "unrecognised"},
		{"bmp", append([]byte("BM"), make([]byte, 60)...), ErrUnsupportedFormat, "BMP"},
		{"tiff", append([]byte("II*\x00"), make([]byte, 60)...), ErrUnsupportedFormat, "TIFF"},
		{"truncated png", good[:len(good)/2], ErrCorrupt, "png"},
		{"png signature only", good[:8], ErrCorrupt, "png header"},
		{"png claims 100000x100000", pngHeader(100000, 100000), ErrTooLarge, "100000×100000"},
		{"png claims 4000x4000 in 33 bytes", pngHeader(4000, 4000), ErrCorrupt, "cannot hold"},
		{"png claims 0x0", pngHeader(0, 0), ErrCorrupt, "png header"},
		{"truncated jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), ErrCorrupt, "jpeg"},
		{"truncated gif", []byte("GIF89a\x10\x00"), ErrCorrupt, "gif"},
		{"truncated webp", solidWebP(4, 4, color.NRGBA{})[:20], ErrCorrupt, "webp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := Decode(tt.data, Limits{})
			if err == nil {
				t.Fatalf("decoded a %d×%d image, want an error", img.Width, img.Height)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("error %q does not wrap %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q does not mention %q", err, tt.message)
			}
		})
	}
}

func TestDecodePixelLimit(t *testing.T) {
	data := encodePNG(t, image.NewRGBA(image.Rect(0, 0, 100, 100)))
	if _, err := Decode(data, Limits{MaxPixels: 9999}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("10000 pixels under a 9999 limit: err = %v, want ErrTooLarge", err)
	}
	if _, err := Decode(data, Limits{MaxPixels: 10000}); err != nil {
		t.Fatalf("10000 pixels under a 10000 limit: %v", err)
	}
}

func TestDecodeFormats(t *testing.T) {
	want := [3]byte{10, 200, 30}
	rgba := image.NewNRGBA(image.Rect(0, 0, 5, 3))
	transparent := image.NewNRGBA(image.Rect(0, 0, 5, 3))
	deep := image.NewNRGBA64(image.Rect(0, 0, 5, 3))
	pal := image.NewPaletted(image.Rect(0, 0, 5, 3), color.Palette{color.RGBA{0, 0, 0, 255}, color.RGBA{want[0], want[1], want[2], 255}})
	for y := 0; y < 3; y++ {
		for x := 0; x < 5; x++ {
			rgba.SetNRGBA(x, y, color.NRGBA{want[0], want[1], want[2], 255})
			transparent.SetNRGBA(x, y, color.NRGBA{want[0], want[1], want[2], 0})
			deep.SetNRGBA64(x, y, color.NRGBA64{uint16(want[0])<<8 | 0xff, uint16(want[1]) << 8, uint16(want[2])<<8 | 0x80, 0x1234})
			pal.SetColorIndex(x, y, 1)
		}
	}
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, pal, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"png rgb", encodePNG(t, rgba)},
		{"png alpha 0 keeps colour", encodePNG(t, transparent)},
		{"png 16-bit keeps high byte", encodePNG(t, deep)},
		{"gif", gifBuf.Bytes()},
		{"webp lossless", solidWebP(5, 3, color.NRGBA{want[0], want[1], want[2], 77})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := Decode(tt.data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if img.Width != 5 || img.Height != 3 {
				t.Fatalf("size %d×%d, want 5×3", img.Width, img.Height)
			}
			for i := 0; i < len(img.Pix); i += 3 {
				if [3]byte(img.Pix[i:i+3]) != want {
					t.Fatalf("pixel %d = %v, want %v", i/3, img.Pix[i:i+3], want)
				}
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		data string
		want Format
	}{
		{"\x89PNG\r\n\x1a\n....", PNG},
		{"\xff\xd8\xff\xe0", JPEG},
		{"GIF87a", GIF},
		{"GIF89a", GIF},
		{"RIFF\x00\x00\x00\x00WEBPVP8 ", WebP},
	}
	for _, tt := range tests {
		got, err := Sniff([]byte(tt.data))
		if err != nil || got != tt.want {
			t.Errorf("Sniff(%q) = %q, %v; want %q", tt.data, got, err, tt.want)
		}
	}
}
