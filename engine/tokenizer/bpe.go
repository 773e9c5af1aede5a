package tokenizer

// bpeModel holds the merge table in the raw-byte domain. Every string that a
// merge can produce is interned as a symbol; a merge is looked up by the pair
// of symbol ids, so the merge loop compares integers instead of strings.
type bpeModel struct {
	byteSym  [256]int32          // the symbol of each single byte
	merges   map[uint64]bpeMerge // key: left<<32 | right
	symToken []int32             // vocabulary id of each symbol, -1 if none
	symText  []string            // raw bytes of each symbol
	intern   map[string]int32
}

// bpeMerge is the outcome of merging a pair: the merge's rank (its index in
// tokenizer.ggml.merges, lower merges first) and the merged symbol.
type bpeMerge struct {
	rank int32
	sym  int32
}

func newBPEModel(tokens []string, merges []string) *bpeModel {
	m := &bpeModel{
		merges: make(map[uint64]bpeMerge, len(merges)),
		intern: make(map[string]int32, len(tokens)+len(merges)),
	}
	for b := 0; b < 256; b++ {
		m.byteSym[b] = m.symbol(string([]byte{byte(b)}))
	}
	for id, text := range tokens {
		raw, ok := unmapBytes(text)
		if !ok || len(raw) == 0 {
			continue
		}
		// Later entries win, as in llama.cpp's text-to-id map.
		s := m.symbol(string(raw))
		m.symToken[s] = int32(id)
	}
	for rank, entry := range merges {
		left, right, ok := splitMerge(entry)
		if !ok {
			continue
		}
		l, okL := unmapBytes(left)
		r, okR := unmapBytes(right)
		if !okL || !okR {
			continue
		}
		ls, rs := m.symbol(string(l)), m.symbol(string(r))
		key := uint64(ls)<<32 | uint64(rs)
		if _, dup := m.merges[key]; dup {
			continue // the first (highest-priority) entry of a duplicate wins
		}
		m.merges[key] = bpeMerge{rank: int32(rank), sym: m.symbol(string(l) + string(r))}
	}
	return m
}

// symbol interns raw and returns its id.
func (m *bpeModel) symbol(raw string) int32 {
	if s, ok := m.intern[raw]; ok {
		return s
	}
	s := int32(len(m.symText))
	m.intern[raw] = s
	m.symText = append(m.symText, raw)
	m.symToken = append(m.symToken, -1)
	return s
}

// splitMerge cuts a merges entry "A B" at its first space at index 1 or later
// (so a merge whose left side is a space-like char still splits right).
func splitMerge(entry string) (left, right string, ok bool) {
	for i := 1; i < len(entry); i++ {
		if entry[i] == ' ' {
			return entry[:i], entry[i+1:], true
		}
	}
	return "", "", false
}

// bpeSymbol is one live or dead symbol of the word being merged, in a
// doubly linked list over the word's original byte positions.
type bpeSymbol struct {
	sym        int32
	prev, next int32
	dead       bool
}

// bpeCand is a candidate merge of the adjacent symbols left and right.
type bpeCand struct {
	rank, left, right int32
	lsym, rsym        int32
	result            int32
}

// bpeScratch is the per-call working memory of the merge loop.
type bpeScratch struct {
	syms []bpeSymbol
	heap []bpeCand
}

// mergeWord runs BPE over the raw bytes of one pre-token word and appends the
// resulting symbols to out. Like llama.cpp it repeatedly merges the adjacent
// pair with the lowest rank, leftmost first.
func (m *bpeModel) mergeWord(word string, sc *bpeScratch, out []int32) []int32 {
	if word == "" {
		return out
	}
	sc.syms = sc.syms[:0]
	sc.heap = sc.heap[:0]
	for i := 0; i < len(word); i++ {
		sc.syms = append(sc.syms, bpeSymbol{sym: m.byteSym[word[i]], prev: int32(i - 1), next: int32(i + 1)})
	}
	sc.syms[len(sc.syms)-1].next = -1
	for i := 1; i < len(sc.syms); i++ {
		m.pushCand(sc, int32(i-1), int32(i))
	}
	for len(sc.heap) > 0 {
		c := sc.popCand()
		l, r := &sc.syms[c.left], &sc.syms[c.right]
		if l.dead || r.dead || l.sym != c.lsym || r.sym != c.rsym {
			continue // stale: one side has merged since
		}
		l.sym = c.result
		l.next = r.next
		r.dead = true
		if r.next >= 0 {
			sc.syms[r.next].prev = c.left
		}
		if l.prev >= 0 {
			m.pushCand(sc, l.prev, c.left)
		}
		if l.next >= 0 {
			m.pushCand(sc, c.left, l.next)
		}
	}
	for i := int32(0); i >= 0; i = sc.syms[i].next {
		out = append(out, sc.syms[i].sym)
	}
	return out
}

func (m *bpeModel) pushCand(sc *bpeScratch, left, right int32) {
	ls, rs := sc.syms[left].sym, sc.syms[right].sym
	mg, ok := m.merges[uint64(ls)<<32|uint64(rs)]
	if !ok {
		return
	}
	sc.heap = append(sc.heap, bpeCand{rank: mg.rank, left: left, right: right, lsym: ls, rsym: rs, result: mg.sym})
	h := sc.heap
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if !candLess(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (sc *bpeScratch) popCand() bpeCand {
	h := sc.heap
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		l, r, min := 2*i+1, 2*i+2, i
		if l < len(h) && candLess(h[l], h[min]) {
			min = l
		}
		if r < len(h) && candLess(h[r], h[min]) {
			min = r
		}
		if min == i {
			break
		}
		h[i], h[min] = h[min], h[i]
		i = min
	}
	sc.heap = h
	return top
}

// candLess orders candidates by rank, then by position (leftmost first).
func candLess(a, b bpeCand) bool {
	return a.rank < b.rank || (a.rank == b.rank && a.left < b.left)
}
