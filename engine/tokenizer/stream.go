package tokenizer

import (
	"strings"
	"unicode/utf8"
)

// StreamDecoder turns generated ids into text as they arrive. A token can
// end in the middle of a UTF-8 character (byte-level BPE splits emoji and CJK
// across tokens), so the decoder holds back an incomplete character until
// the token that completes it arrives. Control tokens are not rendered, and
// there is no clean-up of spaces (pieces come out as they are, like
// llama.cpp's streamed output).
type StreamDecoder struct {
	tok     *Tokenizer
	pending []byte
}

// NewStreamDecoder returns a decoder with nothing pending.
func (t *Tokenizer) NewStreamDecoder() *StreamDecoder {
	return &StreamDecoder{tok: t}
}

// Add appends the piece of id and returns the text that is now complete.
// Bytes that can never form a character come out as U+FFFD, so every
// returned string is valid UTF-8.
func (d *StreamDecoder) Add(id int32) string {
	d.pending = append(d.pending, d.tok.Piece(id, false)...)
	cut := len(d.pending)
	// Hold back the last character if it has started but not finished.
	for i := len(d.pending) - 1; i >= 0 && i >= len(d.pending)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(d.pending[i]) {
			if !utf8.FullRune(d.pending[i:]) {
				cut = i
			}
			break
		}
	}
	out := strings.ToValidUTF8(string(d.pending[:cut]), "\uFFFD")
	d.pending = append(d.pending[:0], d.pending[cut:]...)
	return out
}

// Flush returns whatever is still held back (an unfinished character comes
// out as U+FFFD) and leaves the decoder empty.
func (d *StreamDecoder) Flush() string {
	out := strings.ToValidUTF8(string(d.pending), "\uFFFD")
	d.pending = d.pending[:0]
	return out
}
