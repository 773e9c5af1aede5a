package imageprep

import "testing"

// FuzzJPEGOrientation feeds arbitrary JPEG metadata to the EXIF reader,
// which must never panic and only ever return 1–8.
func FuzzJPEGOrientation(f *testing.F) {
	f.Add([]byte{0xFF, 0xD8})
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x22Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x22Exif\x00\x00II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o := jpegOrientation(data)
		if o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
		img := orient(NewRGB(3, 2), o)
		if img.Width*img.Height != 6 {
			t.Fatalf("orientation %d gave %d×%d", o, img.Width, img.Height)
		}
	})
}
