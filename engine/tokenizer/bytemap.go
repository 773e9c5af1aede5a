package tokenizer

// byteToRune is GPT-2's byte-level table: the printable bytes 0x21–0x7E,
// 0xA1–0xAC and 0xAE–0xFF stand for themselves; the other 68 bytes, in
// increasing order, take the code points from U+0100 on.
var byteToRune = func() (t [256]rune) {
	next := rune(0x100)
	for b := 0; b < 256; b++ {
		if (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF) {
			t[b] = rune(b)
		} else {
			t[b] = next
			next++
		}
	}
	return t
}()

// runeToByte inverts byteToRune; entries of -1 mark code points that stand for
// no byte. Every mapped code point is below U+0144.
var runeToByte = func() (t [0x144]int16) {
	for i := range t {
		t[i] = -1
	}
	for b, r := range byteToRune {
		t[r] = int16(b)
	}
	return t
}()

// unmapBytes turns a vocabulary string of mapped code points back into the raw
// bytes it stands for. ok is false when some code point maps to no byte.
func unmapBytes(s string) (raw []byte, ok bool) {
	raw = make([]byte, 0, len(s))
	for _, r := range s {
		if r < 0 || r >= rune(len(runeToByte)) || runeToByte[r] < 0 {
			return nil, false
		}
		raw = append(raw, byte(runeToByte[r]))
	}
	return raw, true
}

// mapBytes is the inverse of unmapBytes: it spells raw bytes with the
// byte-level code points, as BPE vocabulary entries are written.
func mapBytes(raw []byte) string {
	out := make([]byte, 0, 2*len(raw))
	for _, b := range raw {
		out = appendCpt(out, byteToRune[b])
	}
	return string(out)
}
