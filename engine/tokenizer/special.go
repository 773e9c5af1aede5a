package tokenizer

import "sort"

// specialMatcher finds special-token text inside input text. llama.cpp
// splits the text token by token, longest token text first, taking each
// token's leftmost non-overlapping occurrences in the still-unsplit parts;
// partition reproduces that result without a pass over the text per token.
type specialMatcher struct {
	byText   map[string]int32
	priority map[int32]int // position in llama.cpp's order (longer first)
	lengths  []int         // distinct text lengths, longest first
	first    [256]bool     // bytes that start some special text
	control  []bool        // by id: parsed only when parse-special is on
}

func newSpecialMatcher(texts []string, attrs []Attr) specialMatcher {
	m := specialMatcher{byText: map[string]int32{}, priority: map[int32]int{}, control: make([]bool, len(texts))}
	var ids []int32
	for id, a := range attrs {
		if a&(AttrControl|AttrUserDefined|AttrUnknown) == 0 || texts[id] == "" {
			continue
		}
		ids = append(ids, int32(id))
		m.control[id] = a&(AttrControl|AttrUnknown) != 0
	}
	// llama.cpp sorts by length only; equal lengths keep id order here.
	sort.SliceStable(ids, func(i, j int) bool { return len(texts[ids[i]]) > len(texts[ids[j]]) })
	seenLen := map[int]bool{}
	for rank, id := range ids {
		text := texts[id]
		if _, dup := m.byText[text]; !dup {
			m.byText[text] = id
		}
		m.priority[id] = rank
		m.first[text[0]] = true
		if !seenLen[len(text)] {
			seenLen[len(text)] = true
			m.lengths = append(m.lengths, len(text))
		}
	}
	return m
}

// fragment is a piece of partitioned input: raw text, or one special token.
type fragment struct {
	text  string
	token int32 // NoToken for raw text
}

// specialHit is one occurrence of a special token's text.
type specialHit struct {
	pos, end int
	id       int32
}

// partition splits text into raw-text fragments and special tokens.
// Control and unknown tokens are matched only when parseSpecial is set;
// user-defined tokens always are.
func (m *specialMatcher) partition(text string, parseSpecial bool) []fragment {
	var hits []specialHit
	for i := 0; i < len(text); i++ {
		if !m.first[text[i]] {
			continue
		}
		for _, l := range m.lengths {
			if i+l > len(text) {
				continue
			}
			id, ok := m.byText[text[i:i+l]]
			if !ok || (m.control[id] && !parseSpecial) {
				continue
			}
			hits = append(hits, specialHit{pos: i, end: i + l, id: id})
		}
	}
	if len(hits) == 0 {
		if text == "" {
			return nil
		}
		return []fragment{{text: text, token: NoToken}}
	}
	// Accept occurrences in llama.cpp's order: token by token in priority
	// order, each token's occurrences left to right, skipping any that
	// overlap text already taken.
	sort.SliceStable(hits, func(i, j int) bool {
		pi, pj := m.priority[hits[i].id], m.priority[hits[j].id]
		if pi != pj {
			return pi < pj
		}
		return hits[i].pos < hits[j].pos
	})
	taken := make([]bool, len(text))
	var accepted []specialHit
	for _, h := range hits {
		free := true
		for k := h.pos; k < h.end; k++ {
			if taken[k] {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		for k := h.pos; k < h.end; k++ {
			taken[k] = true
		}
		accepted = append(accepted, h)
	}
	sort.Slice(accepted, func(i, j int) bool { return accepted[i].pos < accepted[j].pos })
	var out []fragment
	prev := 0
	for _, h := range accepted {
		if h.pos > prev {
			out = append(out, fragment{text: text[prev:h.pos], token: NoToken})
		}
		out = append(out, fragment{token: h.id})
		prev = h.end
	}
	if prev < len(text) {
		out = append(out, fragment{text: text[prev:], token: NoToken})
	}
	return out
}
