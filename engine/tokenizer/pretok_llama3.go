package tokenizer

// splitLlama3 is the `llama-bpe` pre-tokenizer, the Llama 3 regex
//
//	(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// run as the scanner llama.cpp uses for it: at each position the first rule
// that applies emits one word.
func splitLlama3(t *cptText, ends []int) []int {
	n := len(t.cps)
	for pos := 0; pos < n; {
		c := t.cps[pos]
		f := t.flags[pos]

		if k := contraction(t, pos, true); k > 0 {
			pos += k
			ends = append(ends, pos)
			continue
		}

		// [^\r\n\p{L}\p{N}]?\p{L}+
		if c != '\r' && c != '\n' && f&flagNumber == 0 &&
			(f&flagLetter != 0 || t.flag(pos+1)&flagLetter != 0) {
			pos++
			for pos < n && t.flags[pos]&flagLetter != 0 {
				pos++
			}
			ends = append(ends, pos)
			continue
		}

		// \p{N}{1,3}
		if f&flagNumber != 0 {
			start := pos
			for pos < n && t.flags[pos]&flagNumber != 0 {
				pos++
				if pos-start == 3 {
					ends = append(ends, pos)
					start = pos
				}
			}
			if pos > start {
				ends = append(ends, pos)
			}
			continue
		}

		// ' ?[^\s\p{L}\p{N}]+[\r\n]*'
		q := pos
		if c == ' ' {
			q++
		}
		if q < n && isOther(t.flags[q]) {
			for q < n && isOther(t.flags[q]) {
				q++
			}
			for q < n && (t.cps[q] == '\r' || t.cps[q] == '\n') {
				q++
			}
			pos = q
			ends = append(ends, pos)
			continue
		}

		if end, ok := whitespaceRule(t, pos, true); ok {
			pos = end
			ends = append(ends, pos)
			continue
		}

		pos++
		ends = append(ends, pos)
	}
	return ends
}

// whitespaceRule applies the whitespace alternatives shared by the scanners:
// `\s*[\r\n]+` (only when newlines is set), `\s+(?!\S)` and `\s+`. It returns
// where the word starting at pos ends.
func whitespaceRule(t *cptText, pos int, newlines bool) (int, bool) {
	n := len(t.cps)
	run, lastNL := 0, -1
	for pos+run < n && t.flags[pos+run]&flagWhitespace != 0 {
		if c := t.cps[pos+run]; c == '\r' || c == '\n' {
			lastNL = pos + run + 1
		}
		run++
	}
	switch {
	case newlines && lastNL >= 0:
		return lastNL, true
	case run > 1 && pos+run < n:
		return pos + run - 1, true
	case run > 0:
		return pos + run, true
	}
	return pos, false
}
