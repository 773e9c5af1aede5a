package imageprep

// orient returns src transformed so that it displays upright, given its
// EXIF orientation o (1 = already upright; 2–8 = the mirrored and rotated
// variants of the TIFF specification). Orientations 5–8 swap width and
// height.
func orient(src *RGB, o int) *RGB {
	if o < 2 || o > 8 {
		return src
	}
	w, h := src.Width, src.Height
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := NewRGB(dw, dh)
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			sx, sy := sourcePixel(o, x, y, w, h)
			d, s := 3*(y*dw+x), 3*(sy*w+sx)
			copy(dst.Pix[d:d+3], src.Pix[s:s+3])
		}
	}
	return dst
}

// sourcePixel maps output pixel (x, y) of the upright image back to the
// stored w×h image for orientation o.
func sourcePixel(o, x, y, w, h int) (int, int) {
	switch o {
	case 2: // mirrored horizontally
		return w - 1 - x, y
	case 3: // rotated 180°
		return w - 1 - x, h - 1 - y
	case 4: // mirrored vertically
		return x, h - 1 - y
	case 5: // transposed
		return y, x
	case 6: // stored rotated 90° counter-clockwise: turn clockwise
		return y, h - 1 - x
	case 7: // transversed
		return w - 1 - y, h - 1 - x
	case 8: // stored rotated 90° clockwise: turn counter-clockwise
		return w - 1 - y, x
	}
	return x, y
}
