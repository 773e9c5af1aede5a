package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// Code point flags, as llama.cpp's Unicode tables classify code points. Only
// the distinctions the pre-tokenizers look at are kept.
const (
	flagLetter uint8 = 1 << iota
	flagNumber
	flagWhitespace
)

// asciiFlags classifies the code points below 128.
var asciiFlags = func() (t [128]uint8) {
	for c := 0; c < 128; c++ {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			t[c] = flagLetter
		case c >= '0' && c <= '9':
			t[c] = flagNumber
		case c >= 0x09 && c <= 0x0D, c == ' ':
			t[c] = flagWhitespace
		}
	}
	return t
}()

// cptFlags reports the flags of a code point. Whitespace is llama.cpp's set
// (Python's str.isspace minus U+001C–U+001F); letters and numbers are the
// Unicode L* and N* categories.
func cptFlags(c rune) uint8 {
	if c < 128 {
		if c < 0 {
			return 0
		}
		return asciiFlags[c]
	}
	switch {
	case c == 0x85, c == 0xA0, c == 0x1680, c >= 0x2000 && c <= 0x200A,
		c == 0x2028, c == 0x2029, c == 0x202F, c == 0x205F, c == 0x3000:
		return flagWhitespace
	case c > unicode.MaxRune:
		return 0
	case unicode.IsLetter(c):
		return flagLetter
	case unicode.IsNumber(c):
		return flagNumber
	}
	return 0
}

// decodeCpt decodes the code point at s[i] the lenient way llama.cpp does:
// only the lead byte's pattern and the continuation bytes are checked (no
// overlong or surrogate checks), and an undecodable byte becomes U+FFFD with
// size 1.
func decodeCpt(s string, i int) (rune, int) {
	b := s[i]
	switch {
	case b < 0x80:
		return rune(b), 1
	case b&0x40 == 0:
		return 0xFFFD, 1
	case b&0x20 == 0:
		if i+1 < len(s) && isCont(s[i+1]) {
			return rune(b&0x1F)<<6 | rune(s[i+1]&0x3F), 2
		}
	case b&0x10 == 0:
		if i+2 < len(s) && isCont(s[i+1]) && isCont(s[i+2]) {
			return rune(b&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), 3
		}
	case b&0x08 == 0:
		if i+3 < len(s) && isCont(s[i+1]) && isCont(s[i+2]) && isCont(s[i+3]) {
			return rune(b&0x07)<<18 | rune(s[i+1]&0x3F)<<12 | rune(s[i+2]&0x3F)<<6 | rune(s[i+3]&0x3F), 4
		}
	}
	return 0xFFFD, 1
}

func isCont(b byte) bool { return b&0xC0 == 0x80 }

// appendCpt encodes c the way llama.cpp re-encodes code points: plain UTF-8
// by value, surrogates included.
func appendCpt(dst []byte, c rune) []byte {
	switch {
	case c < 0x80:
		return append(dst, byte(c))
	case c < 0x800:
		return append(dst, 0xC0|byte(c>>6), 0x80|byte(c&0x3F))
	case c < 0x10000:
		return append(dst, 0xE0|byte(c>>12), 0x80|byte(c>>6&0x3F), 0x80|byte(c&0x3F))
	}
	return append(dst, 0xF0|byte(c>>18&0x07), 0x80|byte(c>>12&0x3F), 0x80|byte(c>>6&0x3F), 0x80|byte(c&0x3F))
}

// normalizeUTF8 returns s as llama.cpp sees it after decoding it to code
// points and encoding them again: every undecodable byte becomes U+FFFD.
// Valid UTF-8 comes back unchanged and unallocated.
func normalizeUTF8(s string) string {
	if validForLlama(s) {
		return s
	}
	out := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		c, n := decodeCpt(s, i)
		out = appendCpt(out, c)
		i += n
	}
	return string(out)
}

// validForLlama reports whether decoding and re-encoding s leaves it as is:
// it has no undecodable byte and no overlong sequence.
func validForLlama(s string) bool {
	if utf8.ValidString(s) {
		return true
	}
	for i := 0; i < len(s); {
		c, n := decodeCpt(s, i)
		switch {
		case c == 0xFFFD && n == 1 && s[i] >= 0x80,
			n == 2 && c < 0x80, n == 3 && c < 0x800, n == 4 && c < 0x10000:
			return false
		}
		i += n
	}
	return true
}
