package imageprep

// RGB is an 8-bit RGB image: 3 bytes per pixel, rows top to bottom with no
// padding, so pixel (x, y) starts at Pix[3*(y*Width+x)].
type RGB struct {
	Width, Height int
	Pix           []byte
}

// NewRGB returns a black image of the given size.
func NewRGB(width, height int) *RGB {
	return &RGB{Width: width, Height: height, Pix: make([]byte, 3*width*height)}
}

// paste copies src into dst with its top-left corner at (x0, y0); src must
// fit inside dst.
func paste(dst, src *RGB, x0, y0 int) {
	for y := 0; y < src.Height; y++ {
		d := 3 * ((y0+y)*dst.Width + x0)
		copy(dst.Pix[d:d+3*src.Width], src.Pix[3*y*src.Width:3*(y+1)*src.Width])
	}
}

// crop returns a copy of the w×h rectangle of src at (x0, y0).
func crop(src *RGB, x0, y0, w, h int) *RGB {
	dst := NewRGB(w, h)
	for y := 0; y < h; y++ {
		s := 3 * ((y0+y)*src.Width + x0)
		copy(dst.Pix[3*y*w:3*(y+1)*w], src.Pix[s:s+3*w])
	}
	return dst
}
