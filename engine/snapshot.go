package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"

	"hearth/engine/kv"
	"hearth/engine/quant"
)

// ErrBadSnapshot is wrapped by RestorePages when a page is damaged, belongs
// to another model or cache configuration, or does not continue the session.
var ErrBadSnapshot = errors.New("engine: unusable KV snapshot page")

const pageMagic = "HRTHKV01"

// page flags
const (
	pageHasChunked = 1 // the chunked layers' rows are included
	pageQ8         = 2 // K/V rows are q8_0 blocks instead of the cache's element type
)

// PageEncoding is how a snapshot page stores K/V rows.
type PageEncoding int

const (
	// PageRaw stores rows in the cache's own element type (f16 or f32): a
	// restore gives back exactly the cache that was saved.
	PageRaw PageEncoding = iota
	// PageQ8_0 stores each K and V row as q8_0 blocks (34 bytes per 32
	// values, about half of f16), rounded as llama.cpp rounds q8_0 cache
	// rows. A restore dequantizes them into the cache, so what follows
	// may differ slightly from an uninterrupted session. The row width
	// must be a multiple of 32.
	PageQ8_0
)

// String returns "raw" or "q8_0".
func (e PageEncoding) String() string {
	if e == PageQ8_0 {
		return "q8_0"
	}
	return "raw"
}

// SnapshotPages encodes the cache for positions [from, Pos()) as pages of
// pageTokens positions (the last may be shorter), for a store keyed by
// model and token prefix. Each page holds its tokens, the global layers'
// K/V and — when the positions are still in the current chunk's ring — the
// chunked layers' K/V, and ends with a CRC-32.
func (s *Session) SnapshotPages(from, pageTokens int) ([][]byte, error) {
	if from < 0 || from > s.pos || pageTokens <= 0 {
		return nil, fmt.Errorf("engine: snapshot of positions %d… in pages of %d: session holds %d", from, pageTokens, s.pos)
	}
	var pages [][]byte
	for start := from; start < s.pos; start += pageTokens {
		p, err := s.SnapshotPage(start, min(pageTokens, s.pos-start), PageRaw)
		if err != nil {
			return nil, err
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// SnapshotPage encodes one page, positions [start, start+n), as
// SnapshotPages does, with K/V rows in the given encoding. Encoding page
// by page keeps a long session's snapshot from being held in memory at
// once.
func (s *Session) SnapshotPage(start, n int, enc PageEncoding) ([]byte, error) {
	if start < 0 || n <= 0 || start+n > s.pos {
		return nil, fmt.Errorf("engine: snapshot page of positions [%d, %d): session holds %d", start, start+n, s.pos)
	}
	c := s.m.m.Config
	window := 0 // first position the chunked rings still hold
	if c.HasChunks() && s.pos > 0 {
		window = (s.pos - 1) / c.Chunk * c.Chunk
	}
	var flags uint32
	if start >= window {
		flags |= pageHasChunked
	}
	if enc == PageQ8_0 {
		if s.cache.Config().KVDim%32 != 0 {
			return nil, fmt.Errorf("engine: q8_0 snapshot pages need a K/V row width that is a multiple of 32, have %d", s.cache.Config().KVDim)
		}
		flags |= pageQ8
	}
	b := s.pageHeader(nil, start, n, flags)
	for _, id := range s.tokens[start : start+n] {
		b = binary.LittleEndian.AppendUint32(b, uint32(id))
	}
	for _, e := range s.embdAt[start : start+n] {
		b = append(b, boolByte(e))
	}
	var row []float32
	for l := range c.Layers {
		layer := s.cache.Layer(l)
		if layer.Chunked && flags&pageHasChunked == 0 {
			continue
		}
		if flags&pageQ8 == 0 {
			b = layer.AppendRows(b, start, n)
			continue
		}
		var err error
		if b, row, err = appendQ8Rows(b, layer, start, n, row); err != nil {
			return nil, fmt.Errorf("engine: snapshot page at %d: layer %d: %w", start, l, err)
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b)), nil
}

// appendQ8Rows appends the keys and then the values of positions
// [pos, pos+n) of layer as q8_0 rows; row is reusable scratch.
func appendQ8Rows(dst []byte, layer *kv.Layer, pos, n int, row []float32) ([]byte, []float32, error) {
	dim := kvDim(layer)
	rb, err := quant.RowBytes(quant.Q8_0, dim)
	if err != nil {
		return nil, row, err
	}
	row = append(row[:0], make([]float32, dim)...)
	for part := 0; part < 2; part++ {
		for p := pos; p < pos+n; p++ {
			readRow(layer, p, part == 1, row)
			dst = slices.Grow(dst, rb)[:len(dst)+rb]
			if err := quant.Quantize(quant.Q8_0, row, dst[len(dst)-rb:]); err != nil {
				return nil, row, err
			}
		}
	}
	return dst, row, nil
}

// kvDim is a layer's row width (RowBytes counts K and V).
func kvDim(layer *kv.Layer) int { return layer.RowBytes() / 2 / layer.Type().Bytes() }

// readRow copies the key (or value) row of position p into row as f32.
func readRow(layer *kv.Layer, p int, value bool, row []float32) {
	off := layer.Slot(p) * len(row)
	if layer.Type() == kv.F16 {
		src := layer.KeysF16()
		if value {
			src = layer.ValuesF16()
		}
		for i, h := range src[off : off+len(row)] {
			row[i] = quant.F16ToF32(h)
		}
		return
	}
	src := layer.KeysF32()
	if value {
		src = layer.ValuesF32()
	}
	copy(row, src[off:off+len(row)])
}

// setQ8Rows stores q8_0 rows written by appendQ8Rows for positions
// [pos, pos+n) and returns what follows them in src.
func setQ8Rows(layer *kv.Layer, pos, n int, src []byte) ([]byte, error) {
	dim := kvDim(layer)
	rb, err := quant.RowBytes(quant.Q8_0, dim)
	if err != nil {
		return nil, err
	}
	if len(src) < 2*n*rb {
		return nil, fmt.Errorf("%d positions need %d bytes, have %d", n, 2*n*rb, len(src))
	}
	k, v := make([]float32, dim), make([]float32, dim)
	for j := 0; j < n; j++ {
		if err := quant.Dequantize(quant.Q8_0, src[j*rb:(j+1)*rb], k); err != nil {
			return nil, err
		}
		if err := quant.Dequantize(quant.Q8_0, src[(n+j)*rb:(n+j+1)*rb], v); err != nil {
			return nil, err
		}
		layer.Store(pos+j, k, v)
	}
	return src[2*n*rb:], nil
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
	if _, err := s.restore(pages, false); err != nil {
		return err
	}
	return nil
}

// RestorePrefix is RestorePages that keeps what it can: it restores the
// longest run of usable pages from the start of pages and returns how many
// it used, with the reason (wrapping ErrBadSnapshot) the next one was
// refused, if one was. A store uses it to recompute only from the first
// damaged page. Any other error leaves the session empty and reports 0.
func (s *Session) RestorePrefix(pages [][]byte) (int, error) {
	return s.restore(pages, true)
}

func (s *Session) restore(pages [][]byte, keepGood bool) (int, error) {
	c := s.m.m.Config
	hasChunkedFrom := s.pos // every position from here on has chunked rows
	used := 0
	var bad error
	for i, p := range pages {
		start, n, flags, body, err := s.checkPage(p)
		if err == nil && start != s.pos {
			err = fmt.Errorf("%w: page %d starts at position %d, session is at %d", ErrBadSnapshot, i, start, s.pos)
		}
		if err == nil && start+n > s.ctx {
			err = fmt.Errorf("%w: page %d ends at position %d, beyond the context of %d", ErrBadSnapshot, i, start+n, s.ctx)
		}
		if err == nil {
			err = s.setPage(i, start, n, flags, body)
		}
		if err != nil {
			if !keepGood {
				s.reset()
				return 0, err
			}
			// checkPage has verified the sizes, so a page is refused
			// before any of its rows reach the cache.
			s.tokens, s.embdAt = s.tokens[:s.pos], s.embdAt[:s.pos]
			bad = fmt.Errorf("page %d: %w", i, err)
			break
		}
		if flags&pageHasChunked == 0 {
			hasChunkedFrom = start + n
		}
		s.pos = start + n
		used++
	}
	if s.pos == 0 {
		return used, bad
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
			return 0, fmt.Errorf("engine: restore: position %d must be recomputed but held an image embedding", i)
		}
	}
	redo := append([]int32(nil), s.tokens[replay:end]...)
	s.pos, s.tokens, s.embdAt = replay, s.tokens[:replay], s.embdAt[:replay]
	if err := s.feed(redo, nil, false, nil); err != nil {
		s.reset()
		return 0, err
	}
	return used, bad
}

// setPage appends a checked page's tokens to the session and stores its
// rows in the cache, without moving s.pos.
func (s *Session) setPage(i, start, n int, flags uint32, body []byte) error {
	for j := 0; j < n; j++ {
		s.tokens = append(s.tokens, int32(binary.LittleEndian.Uint32(body[4*j:])))
	}
	body = body[4*n:]
	for j := 0; j < n; j++ {
		s.embdAt = append(s.embdAt, body[j] != 0)
	}
	body = body[n:]
	for l := range s.m.m.Config.Layers {
		layer := s.cache.Layer(l)
		if layer.Chunked && flags&pageHasChunked == 0 {
			continue
		}
		var err error
		if flags&pageQ8 != 0 {
			body, err = setQ8Rows(layer, start, n, body)
		} else {
			body, err = layer.SetRows(start, n, body)
		}
		if err != nil {
			return fmt.Errorf("%w: page %d: %v", ErrBadSnapshot, i, err)
		}
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
	if string(want) != string(p[:head]) || flags&^(pageHasChunked|pageQ8) != 0 {
		return 0, 0, 0, nil, fmt.Errorf("%w: page was made for another model or cache configuration", ErrBadSnapshot)
	}
	body = payload[head:]
	size := 5 * n
	for l := range s.m.m.Config.Layers {
		layer := s.cache.Layer(l)
		if layer.Chunked && flags&pageHasChunked == 0 {
			continue
		}
		if flags&pageQ8 == 0 {
			size += n * layer.RowBytes()
			continue
		}
		rb, err := quant.RowBytes(quant.Q8_0, kvDim(layer))
		if err != nil {
			return 0, 0, 0, nil, fmt.Errorf("%w: %v", ErrBadSnapshot, err)
		}
		size += 2 * n * rb
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
