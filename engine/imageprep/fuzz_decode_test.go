package imageprep

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decoder under a small pixel
// limit: it must never panic, every error must be one of the three kinds
// callers test for, and an image it returns must fit the limit and hold
// exactly its pixels.
func FuzzDecode(f *testing.F) {
	src := image.NewNRGBA(image.Rect(0, 0, 9, 7))
	for i := range src.Pix {
		src.Pix[i] = byte(i * 31)
	}
	var pb, jb, gb bytes.Buffer
	png.Encode(&pb, src)
	jpeg.Encode(&jb, src, nil)
	gif.Encode(&gb, src, nil)
	f.Add(pb.Bytes())
	f.Add(jb.Bytes())
	f.Add(gb.Bytes())
	f.Add(solidWebP(5, 3, color.NRGBA{B: 200, A: 255}))
	f.Add(pngHeader(30000, 30000))
	f.Add(jpegSOF(4000, 4000))
	f.Add(gifScreen(2, 2, 1, 1))
	const limit = 1 << 16
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(data, Limits{MaxPixels: limit})
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrUnsupportedFormat) {
				t.Fatalf("error of no known kind: %v", err)
			}
			return
		}
		if img.Width <= 0 || img.Height <= 0 || int64(img.Width)*int64(img.Height) > limit || len(img.Pix) != 3*img.Width*img.Height {
			t.Fatalf("decoded %d×%d with %d bytes under a %d-pixel limit", img.Width, img.Height, len(img.Pix), limit)
		}
	})
}
