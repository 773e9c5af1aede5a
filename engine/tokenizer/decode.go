package tokenizer

import "fmt"

// renderPiece computes a token's piece with special tokens rendered, as
// llama.cpp caches it: control, unknown and user-defined tokens give their
// text, normal tokens their bytes, everything else (unused, byte, undefined)
// nothing.
func (t *Tokenizer) renderPiece(id int32) []byte {
	a := t.attrs[id]
	switch {
	case a&(AttrControl|AttrUnknown|AttrUserDefined) != 0:
		return []byte(t.texts[id])
	case t.spm != nil:
		return spmPiece(t.texts[id], a)
	case a&AttrNormal != 0:
		return decodeByteLevel(t.texts[id])
	}
	return nil
}

// decodeByteLevel maps each code point of a byte-level vocabulary entry back
// to its byte. A code point that stands for no byte is written out the way
// llama.cpp does it, as "[UNK_BYTE_0x<its UTF-8 in hex><the entry>]".
func decodeByteLevel(text string) []byte {
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); {
		c, n := decodeCpt(text, i)
		i += n
		if c >= 0 && c < rune(len(runeToByte)) && runeToByte[c] >= 0 {
			out = append(out, byte(runeToByte[c]))
			continue
		}
		out = append(out, "[UNK_BYTE_0x"...)
		for _, b := range appendCpt(nil, c) {
			out = fmt.Appendf(out, "%02x", b)
		}
		out = append(out, text...)
		out = append(out, ']')
	}
	return out
}

// Piece returns the bytes id stands for. Control and unknown tokens give
// their text only when special is set; unused tokens give nothing. A piece
// may be part of a UTF-8 character. The slice must not be modified.
func (t *Tokenizer) Piece(id int32, special bool) []byte {
	if id < 0 || int(id) >= len(t.pieces) {
		return nil
	}
	if !special && t.attrs[id]&(AttrControl|AttrUnknown) != 0 {
		return nil
	}
	return t.pieces[id]
}

// Decode turns ids back into text like llama.cpp's llama_detokenize:
// removeSpecial drops a leading BOS (and a trailing EOS) when the vocabulary
// adds them; unparseSpecial writes control tokens out as their text. For the
// llama-bpe and gpt-2 vocabularies the result gets llama.cpp's clean-up of
// spaces before punctuation and contractions (" ," → ",", " 's" → "'s").
func (t *Tokenizer) Decode(ids []int32, removeSpecial, unparseSpecial bool) string {
	// SentencePiece drops the space it put in front of the text, unless a
	// BOS was just removed (as llama.cpp does).
	removeSpace := t.spm != nil && t.spm.addSpacePrefix
	if removeSpecial && t.addBOS && len(ids) > 0 && ids[0] == t.bos {
		removeSpace = false
		ids = ids[1:]
	}
	if removeSpecial && t.addEOS && len(ids) > 0 && ids[len(ids)-1] == t.eos {
		ids = ids[:len(ids)-1]
	}
	var out []byte
	for i, id := range ids {
		p := t.Piece(id, unparseSpecial)
		if i == 0 && removeSpace && len(p) > 0 && p[0] == ' ' {
			p = p[1:]
		}
		out = append(out, p...)
	}
	if t.cleanSpaces {
		out = cleanSpaces(out)
	}
	return string(out)
}

// cleanSpaces is llama.cpp's three clean-up passes over detokenized text:
// drop the space before ?!., ; turn " ' " into "'"; drop the space before
// the contractions 's 'm 'll 're 've (but not 't 'd).
func cleanSpaces(s []byte) []byte {
	s = cleanPass(s, func(src []byte, i int, out []byte) ([]byte, int) {
		if src[i-1] == ' ' && (src[i] == '?' || src[i] == '!' || src[i] == '.' || src[i] == ',') {
			out = out[:len(out)-1]
		}
		return append(out, src[i]), i
	})
	s = cleanPass(s, func(src []byte, i int, out []byte) ([]byte, int) {
		if src[i] == '\'' && i+1 < len(src) && src[i-1] == ' ' && src[i+1] == ' ' {
			out = out[:len(out)-1]
			src[i+1] = 0 // the skipped space must not count as a space before the next char
			return append(out, src[i]), i + 1
		}
		return append(out, src[i]), i
	})
	return cleanPass(s, func(src []byte, i int, out []byte) ([]byte, int) {
		if src[i-1] == ' ' && src[i] == '\'' && i+1 < len(src) {
			x1 := src[i+1]
			switch {
			case x1 == 't' || x1 == 'd':
			case x1 == 's' || x1 == 'm':
				out = out[:len(out)-1]
			case i+2 < len(src):
				x2 := src[i+2]
				if (x1 == 'l' && x2 == 'l') || (x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e') {
					out = out[:len(out)-1]
				}
			}
		}
		return append(out, src[i]), i
	})
}

// cleanPass copies src, keeping its first byte, and lets step decide for each
// later byte what to output; step may consume extra bytes by returning a
// larger index.
func cleanPass(src []byte, step func(src []byte, i int, out []byte) ([]byte, int)) []byte {
	if len(src) == 0 {
		return src
	}
	out := make([]byte, 1, len(src))
	out[0] = src[0]
	for i := 1; i < len(src); i++ {
		out, i = step(src, i, out)
	}
	return out
}
