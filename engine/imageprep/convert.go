package imageprep

import (
	"image"
	"image/color"
)

// toRGB draws img onto a black width×height RGB canvas (GIF frames may cover
// only part of their logical screen), keeping each pixel's colour and
// dropping its alpha without compositing, as stb_image does with 3
// requested channels.
func toRGB(img image.Image, width, height int) *RGB {
	dst := NewRGB(width, height)
	r := img.Bounds().Intersect(image.Rect(0, 0, width, height))
	if r.Empty() {
		return dst
	}
	var pixel func(x, y int) (byte, byte, byte)
	switch m := img.(type) {
	case *image.NRGBA:
		pixel = func(x, y int) (byte, byte, byte) {
			i := m.PixOffset(x, y)
			return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
		}
	case *image.RGBA:
		pixel = func(x, y int) (byte, byte, byte) {
			i := m.PixOffset(x, y)
			return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
		}
	case *image.NRGBA64:
		pixel = func(x, y int) (byte, byte, byte) {
			i := m.PixOffset(x, y)
			return m.Pix[i], m.Pix[i+2], m.Pix[i+4]
		}
	case *image.RGBA64:
		pixel = func(x, y int) (byte, byte, byte) {
			i := m.PixOffset(x, y)
			return m.Pix[i], m.Pix[i+2], m.Pix[i+4]
		}
	case *image.Gray:
		pixel = func(x, y int) (byte, byte, byte) {
			v := m.Pix[m.PixOffset(x, y)]
			return v, v, v
		}
	case *image.Gray16:
		pixel = func(x, y int) (byte, byte, byte) {
			v := m.Pix[m.PixOffset(x, y)]
			return v, v, v
		}
	case *image.Paletted:
		pal := paletteRGB(m.Palette)
		pixel = func(x, y int) (byte, byte, byte) {
			idx := int(m.Pix[m.PixOffset(x, y)])
			if idx >= len(pal) {
				return 0, 0, 0
			}
			c := pal[idx]
			return c[0], c[1], c[2]
		}
	case *image.YCbCr:
		pixel = func(x, y int) (byte, byte, byte) {
			return color.YCbCrToRGB(m.Y[m.YOffset(x, y)], m.Cb[m.COffset(x, y)], m.Cr[m.COffset(x, y)])
		}
	case *image.NYCbCrA:
		pixel = func(x, y int) (byte, byte, byte) {
			return color.YCbCrToRGB(m.Y[m.YOffset(x, y)], m.Cb[m.COffset(x, y)], m.Cr[m.COffset(x, y)])
		}
	case *image.CMYK:
		pixel = func(x, y int) (byte, byte, byte) {
			i := m.PixOffset(x, y)
			return color.CMYKToRGB(m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3])
		}
	default:
		pixel = func(x, y int) (byte, byte, byte) {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			return c.R, c.G, c.B
		}
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := 3 * (y*width + r.Min.X)
		for x := r.Min.X; x < r.Max.X; x++ {
			dst.Pix[o], dst.Pix[o+1], dst.Pix[o+2] = pixel(x, y)
			o += 3
		}
	}
	return dst
}

// paletteRGB resolves a palette to un-premultiplied RGB once, so that a
// transparent PNG palette entry keeps its stored colour.
func paletteRGB(p color.Palette) [][3]byte {
	out := make([][3]byte, len(p))
	for i, c := range p {
		n, ok := c.(color.NRGBA)
		if !ok {
			n = color.NRGBAModel.Convert(c).(color.NRGBA)
		}
		out[i] = [3]byte{n.R, n.G, n.B}
	}
	return out
}
