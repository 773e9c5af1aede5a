package tokenizer

import (
	"fmt"
	"strconv"
	"strings"
)

// spmModel is a SentencePiece vocabulary (tokenizer.ggml.model "llama", the
// Llama 1/2 tokenizer): pieces are merged greedily by score, spaces are
// written "▁", and characters with no piece fall back to <0xXX> byte tokens.
type spmModel struct {
	scores         []float32
	addSpacePrefix bool
	byteToken      [256]int32 // <0xXX> tokens, or the byte's own text, or NoToken
}

func newSPMModel(t *Tokenizer, scores []float32, addSpacePrefix bool) *spmModel {
	m := &spmModel{scores: scores, addSpacePrefix: addSpacePrefix}
	for b := range m.byteToken {
		m.byteToken[b] = NoToken
		if id, ok := t.textToID[fmt.Sprintf("<0x%02X>", b)]; ok {
			m.byteToken[b] = id
		} else if id, ok := t.textToID[string([]byte{byte(b)})]; ok {
			m.byteToken[b] = id
		}
	}
	return m
}

// spmUTF8Len is the length llama.cpp gives the UTF-8 sequence a byte starts,
// judged by its top four bits alone.
func spmUTF8Len(b byte) int {
	switch {
	case b < 0xC0:
		return 1
	case b < 0xE0:
		return 2
	case b < 0xF0:
		return 3
	}
	return 4
}

// spmSymbol is a piece of the text being merged, in a linked list.
type spmSymbol struct {
	start, n   int
	prev, next int
}

// spmCand is a candidate merge of two adjacent symbols into a vocabulary
// piece with the given score.
type spmCand struct {
	left, right int
	score       float32
	size        int
}

// encodeSPM appends the tokens of one raw-text fragment. prefixSpace adds
// the leading space SentencePiece expects at the start of the text and after
// a special token.
func (t *Tokenizer) encodeSPM(frag string, prefixSpace bool, out []int32) []int32 {
	if prefixSpace && t.spm.addSpacePrefix {
		frag = " " + frag
	}
	text := strings.ReplaceAll(frag, " ", "▁")
	var syms []spmSymbol
	for off := 0; off < len(text); {
		n := min(spmUTF8Len(text[off]), len(text)-off)
		syms = append(syms, spmSymbol{start: off, n: n, prev: len(syms) - 1, next: len(syms) + 1})
		off += n
	}
	if len(syms) == 0 {
		return out
	}
	syms[len(syms)-1].next = -1
	var heap []spmCand
	push := func(l, r int) {
		if l < 0 || r < 0 {
			return
		}
		piece := text[syms[l].start : syms[l].start+syms[l].n+syms[r].n]
		id, ok := t.textToID[piece]
		if !ok {
			return
		}
		heap = append(heap, spmCand{left: l, right: r, score: t.spm.scores[id], size: len(piece)})
		for i := len(heap) - 1; i > 0; {
			p := (i - 1) / 2
			if !spmBefore(heap[i], heap[p]) {
				break
			}
			heap[i], heap[p] = heap[p], heap[i]
			i = p
		}
	}
	pop := func() spmCand {
		top := heap[0]
		last := len(heap) - 1
		heap[0] = heap[last]
		heap = heap[:last]
		for i := 0; ; {
			l, r, best := 2*i+1, 2*i+2, i
			if l < len(heap) && spmBefore(heap[l], heap[best]) {
				best = l
			}
			if r < len(heap) && spmBefore(heap[r], heap[best]) {
				best = r
			}
			if best == i {
				break
			}
			heap[i], heap[best] = heap[best], heap[i]
			i = best
		}
		return top
	}
	for i := 1; i < len(syms); i++ {
		push(i-1, i)
	}
	for len(heap) > 0 {
		c := pop()
		l, r := &syms[c.left], &syms[c.right]
		if l.n == 0 || r.n == 0 || l.n+r.n != c.size {
			continue // stale: one side has merged since
		}
		l.n += r.n
		r.n = 0
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = c.left
		}
		push(l.prev, c.left)
		push(c.left, l.next)
	}
	for i := 0; i >= 0; i = syms[i].next {
		piece := text[syms[i].start : syms[i].start+syms[i].n]
		if id, ok := t.textToID[piece]; ok {
			out = append(out, id)
			continue
		}
		// Only single characters can lack a piece (merges always form one);
		// they are spelled in byte tokens.
		for j := 0; j < len(piece); j++ {
			if id := t.spm.byteToken[piece[j]]; id != NoToken {
				out = append(out, id)
			} else if t.unk != NoToken {
				out = append(out, t.unk)
			}
		}
	}
	return out
}

// spmBefore orders candidates by score, highest first, then leftmost.
func spmBefore(a, b spmCand) bool {
	return a.score > b.score || (a.score == b.score && a.left < b.left)
}

// spmPiece is the text of a SentencePiece token: "▁" reads as a space and a
// <0xXX> byte token is its byte.
func spmPiece(text string, a Attr) []byte {
	switch {
	case a&AttrNormal != 0:
		return []byte(strings.ReplaceAll(text, "▁", " "))
	case a&AttrByte != 0:
		if len(text) == 6 && strings.HasPrefix(text, "<0x") {
			if v, err := strconv.ParseUint(text[3:5], 16, 8); err == nil {
				return []byte{byte(v)}
			}
		}
	}
	return nil
}
