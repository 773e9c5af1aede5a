package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// ErrBadSnapshot is wrapped by RestorePages when a page is damaged, belongs
// to another model or cache configuration, or does not continue the session.
var ErrBadSnapshot = errors.New("engine: unusable KV snapshot page")

const pageMagic = "HRTHKV01"

// page flags
const pageHasChunked = 1 // the chunked layers' rows are included

// SnapshotPages encodes the cache for positions [from, Pos()) as pages of
// pageTokens positions (the last may be shorter), for a store keyed by
// model and token prefix. Each page holds its tokens, the global layers'
// K/V and — when the positions are still in the current chunk's ring — the
// chunked layers' K/V, and ends with a CRC-32.
func (s *Session) SnapshotPages(from, pageTokens int) ([][]byte, error) {
	if from < 0 || from > s.pos || pageTokens <= 0 {
		return nil, fmt.Errorf("engine: snapshot of positions %d… in pages of %d: session holds %d", from, pageTokens, s.pos)
	}
	c := s.m.m.Config
	window := 0 // first position the chunked rings still hold
	if c.HasChunks() && s.pos > 0 {
		window = (s.pos - 1) / c.Chunk * c.Chunk
	}
	var pages [][]byte
	for start := from; start < s.pos; start += pageTokens {
		n := min(pageTokens, s.pos-start)
		var flags uint32
		if start >= window {
			flags |= pageHasChunked
		}
		b := s.pageHeader(nil, start, n, flags)
		for _, id := range s.tokens[start : start+n] {
			b = binary.LittleEndian.AppendUint32(b, uint32(id))
		}
		for _, e := range s.embdAt[start : start+n] {
			b = append(b, boolByte(e))
		}
		for l := range c.Layers {
			layer := s.cache.Layer(l)
			if layer.Chunked && flags&pageHasChunked == 0 {
				continue
			}
			b = layer.AppendRows(b, start, n)
		}
		pages = append(pages, binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b)))
	}
	return pages, nil
}

// pageHeader appends the magic and the fields that must match on restore.
func (s *Session) pageHeader(b []byte, start, n int, flags uint32) []byte {
	cfg := s.cache.Config()
	b = append(b, pageMagic...)
	for _, v := range []int{len(cfg.Chunked), cfg.KVDim, cfg.Chunk, int(cfg.Type), start, n, int(flags)} {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return b
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// RestorePages loads pages made by SnapshotPages, in order, continuing the
// session at its current position (usually an empty session). Positions the
// pages carry no chunked-layer rows for are recomputed from their tokens
// (at most one chunk), and the last position is recomputed for its logits.
// On error the session is left empty.
func (s *Session) RestorePages(pages [][]byte) error {
	c := s.m.m.Config
	hasChunkedFrom := s.pos // every position from here on has chunked rows
	for i, p := range pages {
		start, n, flags, body, err := s.checkPage(p)
		if err == nil && start != s.pos {
			err = fmt.Errorf("%w: page %d starts at position %d, session is at %d", ErrBadSnapshot, i, start, s.pos)
		}
		if err == nil && start+n > s.ctx {
			err = fmt.Errorf("%w: page %d ends at position %d, beyond the context of %d", ErrBadSnapshot, i, start+n, s.ctx)
		}
		if err != nil {
			s.reset()
			return err
		}
		for j := 0; j < n; j++ {
			s.tokens = append(s.tokens, int32(binary.LittleEndian.Uint32(body[4*j:])))
		}
		body = body[4*n:]
		for j := 0; j < n; j++ {
			s.embdAt = append(s.embdAt, body[j] != 0)
		}
		body = body[n:]
		for l := range c.Layers {
			layer := s.cache.Layer(l)
			if layer.Chunked && flags&pageHasChunked == 0 {
				continue
			}
			if body, err = layer.SetRows(start, n, body); err != nil {
				s.reset()
				return fmt.Errorf("%w: page %d: %v", ErrBadSnapshot, i, err)
			}
		}
		if flags&pageHasChunked == 0 {
			hasChunkedFrom = start + n
		}
		s.pos = start + n
	}
	if s.pos == 0 {
		return nil
	}
	end := s.pos
	replay := end - 1
	if c.HasChunks() {
		if cs := (end - 1) / c.Chunk * c.Chunk; hasChunkedFrom > cs {
			replay = cs
		}
	}
	for i := replay; i < end; i++ {
		if s.embdAt[i] {
			s.reset()
			return fmt.Errorf("engine: restore: position %d must be recomputed but held an image embedding", i)
		}
	}
	redo := append([]int32(nil), s.tokens[replay:end]...)
	s.pos, s.tokens, s.embdAt = replay, s.tokens[:replay], s.embdAt[:replay]
	if err := s.feed(redo, nil, false, nil); err != nil {
		s.reset()
		return err
	}
	return nil
}

// checkPage verifies a page's checksum and header and returns its fields
// and the bytes after the header.
func (s *Session) checkPage(p []byte) (start, n int, flags uint32, body []byte, err error) {
	const head = len(pageMagic) + 7*4
	if len(p) < head+4 || string(p[:len(pageMagic)]) != pageMagic {
		return 0, 0, 0, nil, fmt.Errorf("%w: not a Hearth KV page", ErrBadSnapshot)
	}
	payload := p[:len(p)-4]
	if crc32.ChecksumIEEE(payload) != binary.LittleEndian.Uint32(p[len(p)-4:]) {
		return 0, 0, 0, nil, fmt.Errorf("%w: checksum mismatch", ErrBadSnapshot)
	}
	field := func(i int) int { return int(binary.LittleEndian.Uint32(p[len(pageMagic)+4*i:])) }
	start, n, flags = field(4), field(5), uint32(field(6))
	want := s.pageHeader(nil, start, n, flags)
	if string(want) != string(p[:head]) {
		return 0, 0, 0, nil, fmt.Errorf("%w: page was made for another model or cache configuration", ErrBadSnapshot)
	}
	body = payload[head:]
	size := 5 * n
	for l := range s.m.m.Config.Layers {
		if layer := s.cache.Layer(l); !layer.Chunked || flags&pageHasChunked != 0 {
			size += n * layer.RowBytes()
		}
	}
	if len(body) != size {
		return 0, 0, 0, nil, fmt.Errorf("%w: page of %d positions has %d bytes, want %d", ErrBadSnapshot, n, len(body), size)
	}
	return start, n, flags, body, nil
}

func (s *Session) reset() {
	s.pos, s.tokens, s.embdAt = 0, s.tokens[:0], s.embdAt[:0]
	clear(s.logits)
}
