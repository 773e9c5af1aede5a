package chatgen

import "strings"

// stopMatcher finds stop strings in streamed text. It holds back the tail
// that could still grow into a stop string, so that no part of a stop
// string is ever emitted.
type stopMatcher struct {
	stops   []string
	pending string
}

// add appends a piece and returns the text now safe to emit and whether a
// stop string was found (the text before it is then all that is emitted).
func (m *stopMatcher) add(piece string) (emit string, stopped bool) {
	m.pending += piece
	if len(m.stops) == 0 {
		emit, m.pending = m.pending, ""
		return emit, false
	}
	first := -1
	for _, s := range m.stops {
		if s == "" {
			continue
		}
		if i := strings.Index(m.pending, s); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	if first >= 0 {
		emit, m.pending = m.pending[:first], ""
		return emit, true
	}
	hold := 0
	for _, s := range m.stops {
		for n := min(len(s)-1, len(m.pending)); n > hold; n-- {
			if strings.HasSuffix(m.pending, s[:n]) {
				hold = n
				break
			}
		}
	}
	emit = m.pending[:len(m.pending)-hold]
	m.pending = m.pending[len(m.pending)-hold:]
	return emit, false
}

// flush returns what was held back, at the end of the answer.
func (m *stopMatcher) flush() string {
	s := m.pending
	m.pending = ""
	return s
}
