package tokenizer

import "strings"

// maxCachedWords bounds the per-tokenizer cache of word encodings; the cache
// starts over when it fills.
const maxCachedWords = 1 << 16

// maxCachedWordLen keeps very long words (long runs of one symbol, minified
// code) out of the cache.
const maxCachedWordLen = 64

// encodeScratch is the working memory of one Encode call.
type encodeScratch struct {
	text cptText
	ends []int
	bpe  bpeScratch
	syms []int32
	// words caches this call's word encodings, so the shared cache (and its
	// lock) is consulted once per distinct word rather than per occurrence.
	words map[string][]int32
}

// Encode tokenizes text. addSpecial adds BOS (and EOS) as the vocabulary
// asks (so a text that starts with the BOS text, parsed, gets two BOS tokens,
// as in llama.cpp). parseSpecial turns the text of control tokens such as
// "<|eot|>" into those tokens; without it they are spelled as plain text.
func (t *Tokenizer) Encode(text string, addSpecial, parseSpecial bool) []int32 {
	out := make([]int32, 0, len(text)/3+2)
	if addSpecial && t.addBOS && t.bos != NoToken {
		out = append(out, t.bos)
	}
	sc, _ := t.scratch.Get().(*encodeScratch)
	if sc == nil {
		sc = new(encodeScratch)
	}
	defer t.scratch.Put(sc)
	clear(sc.words)
	afterSpecial := true // SentencePiece prefixes a space at the start and after specials
	for _, f := range t.specials.partition(text, parseSpecial) {
		switch {
		case f.token != NoToken:
			out = append(out, f.token)
			afterSpecial = true
		case t.spm != nil:
			out = t.encodeSPM(f.text, afterSpecial, out)
			afterSpecial = false
		default:
			out = t.encodeRaw(f.text, sc, out)
		}
	}
	if addSpecial && t.addEOS && t.eos != NoToken {
		out = append(out, t.eos)
	}
	return out
}

// encodeRaw pre-tokenizes and BPE-encodes text that holds no special token.
func (t *Tokenizer) encodeRaw(text string, sc *encodeScratch, out []int32) []int32 {
	text = normalizeUTF8(text)
	sc.text.decode(text)
	sc.ends = t.split(&sc.text, sc.ends[:0])
	start := 0
	for _, end := range sc.ends {
		word := text[sc.text.offs[start]:sc.text.offs[end]]
		start = end
		out = t.encodeWord(word, sc, out)
	}
	return out
}

// encodeWord appends the tokens of one pre-token word.
func (t *Tokenizer) encodeWord(word string, sc *encodeScratch, out []int32) []int32 {
	if t.ignoreMerges {
		if s, ok := t.bpe.intern[word]; ok && t.bpe.symToken[s] != NoToken {
			return append(out, t.bpe.symToken[s])
		}
	}
	cacheable := len(word) <= maxCachedWordLen
	if cacheable {
		if ids, ok := sc.words[word]; ok {
			return append(out, ids...)
		}
		if sc.words == nil {
			sc.words = make(map[string][]int32)
		}
		t.cacheMu.Lock()
		ids, ok := t.cache[word]
		t.cacheMu.Unlock()
		if ok {
			sc.words[word] = ids
			return append(out, ids...)
		}
	}
	sc.syms = t.bpe.mergeWord(word, &sc.bpe, sc.syms[:0])
	n := len(out)
	for _, s := range sc.syms {
		if id := t.bpe.symToken[s]; id != NoToken {
			out = append(out, id)
			continue
		}
		out = t.appendByteFallback(t.bpe.symText[s], out)
	}
	if cacheable {
		ids := append([]int32(nil), out[n:]...)
		sc.words[word] = ids
		t.cacheMu.Lock()
		if len(t.cache) >= maxCachedWords {
			t.cache = make(map[string][]int32)
		}
		t.cache[strings.Clone(word)] = ids // a copy, so the cache does not pin the caller's text
		t.cacheMu.Unlock()
	}
	return out
}

// appendByteFallback handles a merged symbol missing from the vocabulary the
// way llama.cpp does: each byte of its byte-level spelling that is itself a
// token is emitted, the rest dropped.
func (t *Tokenizer) appendByteFallback(raw string, out []int32) []int32 {
	spelled := mapBytes([]byte(raw))
	for i := 0; i < len(spelled); i++ {
		if id, ok := t.textToID[spelled[i:i+1]]; ok {
			out = append(out, id)
		}
	}
	return out
}
