package tokenizer

// splitGPT2 is the `gpt-2` pre-tokenizer, the regex
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// run as the scanner llama.cpp uses for it.
func splitGPT2(t *cptText, ends []int) []int {
	n := len(t.cps)
	for pos := 0; pos < n; {
		if k := contraction(t, pos, false); k > 0 {
			pos += k
			ends = append(ends, pos)
			continue
		}
		q := pos
		if t.cps[pos] == ' ' {
			q++
		}
		if q < n {
			var class func(uint8) bool
			switch f := t.flags[q]; {
			case f&flagLetter != 0:
				class = func(f uint8) bool { return f&flagLetter != 0 }
			case f&flagNumber != 0:
				class = func(f uint8) bool { return f&flagNumber != 0 }
			case isOther(f):
				class = isOther
			}
			if class != nil {
				for q < n && class(t.flags[q]) {
					q++
				}
				pos = q
				ends = append(ends, pos)
				continue
			}
		}
		if end, ok := whitespaceRule(t, pos, false); ok {
			pos = end
			ends = append(ends, pos)
			continue
		}
		pos++
		ends = append(ends, pos)
	}
	return ends
}
