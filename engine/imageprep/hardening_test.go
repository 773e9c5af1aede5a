package imageprep

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// allocatedDuring returns the bytes the heap allocated while f ran: an
// upper bound of the memory f held at its peak. Tests run sequentially, so
// little else allocates meanwhile.
func allocatedDuring(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// jpegSOF returns a JFIF JPEG that stops right after a baseline frame
// header declaring w×h: enough for DecodeConfig, no pixel data.
func jpegSOF(w, h uint16) []byte {
	var b bytes.Buffer
	b.WriteString("\xff\xd8")                                                     // SOI
	b.WriteString("\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00") // SOI
	b.WriteString("\xff\xc0\x00\x11\x08")                                         // SOF0, length 17, 8-bit
	binary.Write(&b, binary.BigEndian, [2]uint16{h, w})                           // height, width
	b.WriteString("\x03\x01\x11\x00\x02\x11\x00\x03\x11\x00")
	return b.Bytes()
}

// gifScreen returns a GIF header with a w×h logical screen and an image
// descriptor for a fw×fh frame, with no pixel data.
func gifScreen(w, h, fw, fh uint16) []byte {
	var b bytes.Buffer
	b.WriteString("GIF89a")
	binary.Write(&b, binary.LittleEndian, [2]uint16{w, h})
	b.WriteString("\x80\x00\x00") // global colour table of 2 entries
	b.WriteString("\x00\x00\x00\xff\xff\xff")
	b.WriteString("\x2c\x00\x00\x00\x00") // image descriptor at 0,0
	binary.Write(&b, binary.LittleEndian, [2]uint16{fw, fh})
	b.WriteString("\x00\x02\x02\x4c\x01\x00\x3b")
	return b.Bytes()
}

// TestHostileImages feeds decompression bombs, lying headers and
// wrong-type files to Decode and checks each fails with the right error
// while allocating little: the header is checked before any pixel buffer.
func TestHostileImages(t *testing.T) {
	tests := []struct {
		name     string
		data     []byte
		want     error
		maxAlloc uint64
	}{
		{"png header claiming 30000×30000", pngHeader(30000, 30000), ErrTooLarge, 64 << 10},
		{"png header claiming 2³¹×1", pngHeader(1<<31-1, 1), ErrTooLarge, 64 << 10},
		{"png claiming 7000×7000 (under the limit) in 33 bytes", pngHeader(7000, 7000), ErrCorrupt, 64 << 10},
		{"jpeg frame claiming 65000×65000", jpegSOF(65000, 65000), ErrTooLarge, 64 << 10},
		{"jpeg frame claiming 0×100", jpegSOF(0, 100), ErrCorrupt, 64 << 10},
		{"gif screen claiming 65535×65535", gifScreen(65535, 65535, 1, 1), ErrTooLarge, 64 << 10},
		{"gif frame larger than its 1×1 screen", gifScreen(1, 1, 65535, 65535), ErrCorrupt, 1 << 20},
		{"lossless webp of 16384×16384 in a few bytes", solidWebP(16384, 16384, color.NRGBA{R: 9, A: 255}), ErrTooLarge, 64 << 10},
		{"gguf model file", append([]byte("GGUF\x03\x00\x00\x00"), make([]byte, 64)...), ErrUnsupportedFormat, 64 << 10},
		{"html", []byte("<!doctype html><script>alert(1)</script>"), ErrUnsupportedFormat, 64 << 10},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="99999" height="99999"/>`), ErrUnsupportedFormat, 64 << 10},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), ErrUnsupportedFormat, 64 << 10},
		{"png signature then zeros", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...), ErrCorrupt, 64 << 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			alloc := allocatedDuring(func() { _, err = Decode(tt.data, Limits{}) })
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if alloc > tt.maxAlloc {
				t.Errorf("allocated %d bytes refusing it, want at most %d", alloc, tt.maxAlloc)
			}
			t.Logf("%s: %v; %d bytes allocated", tt.name, err, alloc)
			if _, cerr := Check(tt.data, Limits{}); cerr == nil && !errors.Is(tt.want, ErrCorrupt) {
				t.Errorf("Check accepted what Decode refuses as %v", tt.want)
			}
		})
	}
}

// TestDecodeMemoryPerPixel bounds what decoding an allowed image costs:
// the decoder's own buffer plus the RGB copy, a fixed number of bytes per
// pixel, so DefaultMaxPixels bounds the memory one image can take.
func TestDecodeMemoryPerPixel(t *testing.T) {
	const w, h = 1000, 1000
	data := encodePNG(t, image.NewNRGBA(image.Rect(0, 0, w, h)))
	var err error
	alloc := allocatedDuring(func() { _, err = Decode(data, Limits{}) })
	if err != nil {
		t.Fatal(err)
	}
	perPixel := float64(alloc) / (w * h)
	t.Logf("%d-byte PNG of %d×%d: %d bytes allocated, %.1f per pixel; at DefaultMaxPixels at most %.0f MB",
		len(data), w, h, alloc, perPixel, perPixel*DefaultMaxPixels/1e6)
	if perPixel > 8 {
		t.Errorf("decoding allocates %.1f bytes per pixel, want at most 8 (4 RGBA + 3 RGB + slack)", perPixel)
	}
	// The same flat image is refused under a lower limit before decoding.
	alloc = allocatedDuring(func() { _, err = Decode(data, Limits{MaxPixels: w * h / 2}) })
	if !errors.Is(err, ErrTooLarge) || alloc > 64<<10 {
		t.Errorf("under half the pixels as a limit: err %v, %d bytes allocated", err, alloc)
	}
}

// TestTruncatedImages cuts valid files of every format at random points:
// each cut gives an error (or, for a cut inside trailing bytes, the same
// image), never a panic.
func TestTruncatedImages(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	src := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	for i := range src.Pix {
		src.Pix[i] = byte(rng.Uint32())
	}
	var jb, gb bytes.Buffer
	if err := jpeg.Encode(&jb, src, nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gb, src, nil); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"png": encodePNG(t, src), "jpeg": jb.Bytes(), "gif": gb.Bytes(),
		"webp": solidWebP(64, 48, color.NRGBA{G: 200, A: 255}),
	}
	for name, full := range files {
		for range 40 {
			cut := rng.IntN(len(full))
			_, err := Decode(full[:cut], Limits{})
			if err == nil {
				continue // a cut in trailing chunks may still hold the whole image
			}
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupportedFormat) {
				t.Errorf("%s cut at %d of %d: %v, want a corrupt or unsupported error", name, cut, len(full), err)
			}
		}
		// Flipped bytes in the middle: an error or some image, never a panic.
		for range 40 {
			bad := bytes.Clone(full)
			bad[len(bad)/4+rng.IntN(len(bad)/2)] ^= byte(1 + rng.IntN(255))
			if _, err := Decode(bad, Limits{}); err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupportedFormat) && !errors.Is(err, ErrTooLarge) {
				t.Errorf("%s with a flipped byte: unexpected error kind %v", name, err)
			}
		}
	}
}
