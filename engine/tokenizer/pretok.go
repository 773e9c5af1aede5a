package tokenizer

// A text fragment decoded for the pre-tokenizers: its code points, each one's
// flags, and each one's byte offset (with len(text) appended).
type cptText struct {
	cps   []rune
	flags []uint8
	offs  []int
}

// decode fills t from s, reusing t's slices.
func (t *cptText) decode(s string) {
	if cap(t.cps) < len(s) {
		// A code point takes at least one byte, so this never regrows.
		t.cps, t.flags, t.offs = make([]rune, 0, len(s)), make([]uint8, 0, len(s)), make([]int, 0, len(s)+1)
	}
	t.cps, t.flags, t.offs = t.cps[:0], t.flags[:0], t.offs[:0]
	for i := 0; i < len(s); {
		var c rune
		n := 1
		if s[i] < 0x80 {
			c = rune(s[i])
		} else {
			c, n = decodeCpt(s, i)
		}
		t.cps = append(t.cps, c)
		t.flags = append(t.flags, cptFlags(c))
		t.offs = append(t.offs, i)
		i += n
	}
	t.offs = append(t.offs, len(s))
}

// flag returns the flags at i, or 0 past either end (llama.cpp's "no
// flags" for out-of-range positions).
func (t *cptText) flag(i int) uint8 {
	if i < 0 || i >= len(t.flags) {
		return 0
	}
	return t.flags[i]
}

// cpt returns the code point at i, or -1 past the end.
func (t *cptText) cpt(i int) rune {
	if i < 0 || i >= len(t.cps) {
		return -1
	}
	return t.cps[i]
}

// A splitter cuts a decoded fragment into pre-token words. It appends the
// code point index where each word ends to ends and returns it.
type splitter func(t *cptText, ends []int) []int

// asciiLower folds A–Z to a–z and leaves everything else.
func asciiLower(c rune) rune {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// contraction returns the length (2 or 3) of the contraction 's 't 're 've
// 'm 'll 'd starting at i (the apostrophe), or 0. fold makes it
// case-insensitive.
func contraction(t *cptText, i int, fold bool) int {
	if t.cpt(i) != '\'' {
		return 0
	}
	low := func(c rune) rune {
		if fold {
			return asciiLower(c)
		}
		return c
	}
	c1 := low(t.cpt(i + 1))
	switch c1 {
	case 's', 't', 'm', 'd':
		return 2
	}
	c2 := low(t.cpt(i + 2))
	if (c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l') {
		return 3
	}
	return 0
}

// isOther reports a code point that is none of whitespace, letter or number.
func isOther(f uint8) bool { return f&(flagLetter|flagNumber|flagWhitespace) == 0 }
