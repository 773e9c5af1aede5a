package storage

import (
	"encoding/binary"
	"hash/crc32"
)

// KVPage is one page of a serialized KV cache: the engine's bytes for a
// run of tokens across all layers, plus those tokens' ids. It is keyed by
// the digest of the model file and the hash of the whole token prefix
// through the end of this page, so equal prefixes share pages across
// conversations. Storage does not interpret Encoding or Data.
type KVPage struct {
	ModelDigest string
	PrefixHash  [32]byte
	// Index is the page's position in its chain: page 0 starts the prefix.
	Index    int
	Tokens   []int32
	Encoding string
	Data     []byte
}

// size is what a page counts against the disk budget.
func (p *KVPage) size() int64 { return int64(len(p.Data)) + 4*int64(len(p.Tokens)) }

// KVStats reports the space KV pages take.
type KVStats struct {
	Pages int64 `json:"pages"`
	// Bytes counts page data and token ids, not SQLite's overhead.
	Bytes  int64 `json:"bytes"`
	Budget int64 `json:"budget"`
}

// kvChecksumDomain starts every checksummed message, so a future layout
// change can be told apart.
const kvChecksumDomain = "hearth kv page v1\x00"

// Two hardware-accelerated CRCs with different polynomials: together they
// miss a random corruption with odds near 2^-64, at 10+ GB/s, where SHA-256
// would cap restores near 1.4 GB/s. They guard against damage, not against
// someone who can write the database file anyway.
var (
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
	ieee       = crc32.IEEETable
)

// kvChecksum covers the key and the metadata as well as the bytes, so a
// page moved under another key or model, or relabelled, fails too.
func kvChecksum(modelDigest string, prefix [32]byte, index int, encoding string, tokens, data []byte) [8]byte {
	c, e := crc32.New(castagnoli), crc32.New(ieee)
	write := func(b []byte) {
		c.Write(b)
		e.Write(b)
	}
	var n [8]byte
	field := func(b []byte) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		write(n[:])
		write(b)
	}
	write([]byte(kvChecksumDomain))
	field([]byte(modelDigest))
	field(prefix[:])
	binary.LittleEndian.PutUint64(n[:], uint64(index))
	write(n[:])
	field([]byte(encoding))
	field(tokens)
	field(data)
	var sum [8]byte
	binary.LittleEndian.PutUint32(sum[:4], c.Sum32())
	binary.LittleEndian.PutUint32(sum[4:], e.Sum32())
	return sum
}

func encodeTokens(tokens []int32) []byte {
	b := make([]byte, 4*len(tokens))
	for i, t := range tokens {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(t))
	}
	return b
}

func decodeTokens(b []byte) []int32 {
	tokens := make([]int32, len(b)/4)
	for i := range tokens {
		tokens[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return tokens
}
