package imageprep

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// jpegWithOrientation encodes img as a JPEG and inserts a big-endian EXIF
// APP1 segment holding orientation o right after SOI.
func jpegWithOrientation(t *testing.T, img image.Image, o uint16) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00*")
	binary.Write(&tiff, binary.BigEndian, uint32(8))     // IFD0 offset
	binary.Write(&tiff, binary.BigEndian, uint16(1))     // one entry
	binary.Write(&tiff, binary.BigEndian, uint16(0x112)) // orientation
	binary.Write(&tiff, binary.BigEndian, uint16(3))     // SHORT
	binary.Write(&tiff, binary.BigEndian, uint32(1))     // count
	binary.Write(&tiff, binary.BigEndian, o)
	binary.Write(&tiff, binary.BigEndian, uint16(0))
	binary.Write(&tiff, binary.BigEndian, uint32(0)) // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(enc.Bytes()[:2])
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(payload)+2))
	out.Write(payload)
	out.Write(enc.Bytes()[2:])
	return out.Bytes()
}

func TestJPEGOrientation(t *testing.T) {
	// Stored 64×32 image with four flat quadrants.
	red, green, blue, white := [3]byte{255, 0, 0}, [3]byte{0, 255, 0}, [3]byte{0, 0, 255}, [3]byte{255, 255, 255}
	src := image.NewRGBA(image.Rect(0, 0, 64, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 64; x++ {
			q := [2][2][3]byte{{red, green}, {blue, white}}[y/16][x/32]
			src.Set(x, y, color.RGBA{q[0], q[1], q[2], 255})
		}
	}
	tests := []struct {
		orientation    uint16
		w, h           int
		tl, tr, bl, br [3]byte // displayed quadrant colours
	}{
		{1, 64, 32, red, green, blue, white},
		{2, 64, 32, green, red, white, blue},
		{3, 64, 32, white, blue, green, red},
		{4, 64, 32, blue, white, red, green},
		{5, 32, 64, red, blue, green, white},
		{6, 32, 64, blue, red, white, green},
		{7, 32, 64, white, green, blue, red},
		{8, 32, 64, green, white, red, blue},
	}
	for _, tt := range tests {
		img, err := Decode(jpegWithOrientation(t, src, tt.orientation), Limits{})
		if err != nil {
			t.Fatalf("orientation %d: %v", tt.orientation, err)
		}
		if img.Width != tt.w || img.Height != tt.h {
			t.Fatalf("orientation %d: size %d×%d, want %d×%d", tt.orientation, img.Width, img.Height, tt.w, tt.h)
		}
		at := func(x, y int) [3]byte { i := 3 * (y*img.Width + x); return [3]byte(img.Pix[i : i+3]) }
		checks := []struct {
			name string
			got  [3]byte
			want [3]byte
		}{
			{"top-left", at(tt.w/4, tt.h/4), tt.tl},
			{"top-right", at(3*tt.w/4, tt.h/4), tt.tr},
			{"bottom-left", at(tt.w/4, 3*tt.h/4), tt.bl},
			{"bottom-right", at(3*tt.w/4, 3*tt.h/4), tt.br},
		}
		for _, c := range checks {
			for k := range 3 {
				if d := int(c.got[k]) - int(c.want[k]); d < -40 || d > 40 {
					t.Errorf("orientation %d: %s = %v, want about %v", tt.orientation, c.name, c.got, c.want)
					break
				}
			}
		}
	}
}

func TestJPEGOrientationIgnoresBadMetadata(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"no segments", []byte{0xFF, 0xD8}},
		{"short APP1", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08, 'E', 'x', 'i', 'f', 0, 0}},
		{"length past end", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 'E', 'x'}},
		{"bad TIFF magic", append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10}, []byte("Exif\x00\x00XX\x00*\x00\x00\x00\x08")...)},
		{"IFD offset past end", append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10}, []byte("Exif\x00\x00MM\x00*\x7f\x00\x00\x08")...)},
	}
	for _, tt := range tests {
		if o := jpegOrientation(tt.data); o != 1 {
			t.Errorf("%s: orientation %d, want 1", tt.name, o)
		}
	}
}
