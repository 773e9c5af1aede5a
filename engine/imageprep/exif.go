package imageprep

import "encoding/binary"

// jpegOrientation returns the EXIF orientation (1–8) stored in a JPEG's APP1
// segment, or 1 (upright) when there is none or it cannot be read. Only the
// segments before the first scan are examined, and every offset is bounds
// checked, so malformed metadata never fails the decode.
func jpegOrientation(data []byte) int {
	i := 2 // after SOI
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return 1
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return 1
		}
		if marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) { // no length
			i += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			if o := tiffOrientation(seg[6:]); o != 0 {
				return o
			}
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from IFD0 of a TIFF structure, returning
// 0 when absent or invalid.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0
	}
	ifd := int64(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > int64(len(t)) {
		return 0
	}
	count := int64(bo.Uint16(t[ifd:]))
	for e := int64(0); e < count; e++ {
		off := ifd + 2 + 12*e
		if off+12 > int64(len(t)) {
			return 0
		}
		if bo.Uint16(t[off:]) != 0x0112 {
			continue
		}
		const typeShort = 3
		if bo.Uint16(t[off+2:]) != typeShort || bo.Uint32(t[off+4:]) != 1 {
			return 0
		}
		v := int(bo.Uint16(t[off+8:]))
		if v < 1 || v > 8 {
			return 0
		}
		return v
	}
	return 0
}
