package tokenizer

// splitLlama4 is the `llama4` (GPT-4o) pre-tokenizer as llama.cpp runs it.
// The Hugging Face regex is
//
//	[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|
//	[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|
//	\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// but llama.cpp matches an approximation over a string where every non-ASCII
// code point is collapsed to its category: "upper case" is any letter that is
// not a–z, "lower case" any letter that is not A–Z, and combining marks are
// not part of words. This scanner gives the same words as that regex would
// (leftmost alternative first, greedy with backtracking), so the results agree
// with llama.cpp rather than with Hugging Face on text like "ÀBC" or "café"
// written with a combining accent.
func splitLlama4(t *cptText, ends []int) []int {
	n := len(t.cps)
	upper := func(i int) bool { // a letter that is not a–z
		return i < n && t.flags[i]&flagLetter != 0 && !(t.cps[i] >= 'a' && t.cps[i] <= 'z')
	}
	lower := func(i int) bool { // a letter that is not A–Z
		return i < n && t.flags[i]&flagLetter != 0 && !(t.cps[i] >= 'A' && t.cps[i] <= 'Z')
	}
	other := func(i int) bool { return i < n && isOther(t.flags[i]) }
	for pos := 0; pos < n; {
		c := t.cps[pos]
		f := t.flags[pos]

		// The two letter alternatives share the optional leading char, which is
		// anything but \r, \n, a letter or a number.
		j := pos
		if c != '\r' && c != '\n' && f&(flagLetter|flagNumber) == 0 {
			j++
		}
		u := 0
		for upper(j + u) {
			u++
		}
		end := -1
		for k := u; k >= 0; k-- { // U* backtracks until Lw+ can start
			if lower(j + k) {
				end = j + k
				break
			}
		}
		if end < 0 && u > 0 {
			end = j + u
		}
		if end >= 0 {
			for lower(end) {
				end++
			}
			end += contraction(t, end, true)
			pos = end
			ends = append(ends, pos)
			continue
		}

		// \p{N}{1,3}
		if f&flagNumber != 0 {
			q := pos
			for q < n && q-pos < 3 && t.flags[q]&flagNumber != 0 {
				q++
			}
			pos = q
			ends = append(ends, pos)
			continue
		}

		// ' ?[^\s\p{L}\p{N}]+[\r\n/]*'
		q := pos
		if c == ' ' && other(pos+1) {
			q++
		}
		if other(q) {
			for other(q) {
				q++
			}
			for q < n && (t.cps[q] == '\r' || t.cps[q] == '\n' || t.cps[q] == '/') {
				q++
			}
			pos = q
			ends = append(ends, pos)
			continue
		}

		if e, ok := whitespaceRule(t, pos, true); ok {
			pos = e
			ends = append(ends, pos)
			continue
		}
		pos++
		ends = append(ends, pos)
	}
	return ends
}
