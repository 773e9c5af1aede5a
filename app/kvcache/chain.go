package kvcache

import (
	"crypto/sha256"
	"encoding/binary"
)

// chainSeed starts every prefix hash chain; changing the position encoding
// means changing it.
const chainSeed = "hearth kv prefix v1"

// PrefixHashes returns the prefix hash chain h_1 … h_k of the k whole pages
// of pageTokens positions in tokens (see the package comment). content is
// nil or holds one entry per position, at least for the positions of whole
// pages; a non-zero entry marks a position filled by an embedding and names
// what filled it. A missing or zero entry is a plain token.
func PrefixHashes(tokens []int32, content [][32]byte, pageTokens int) [][32]byte {
	if pageTokens <= 0 {
		return nil
	}
	pages := len(tokens) / pageTokens
	out := make([][32]byte, 0, pages)
	prev := sha256.Sum256([]byte(chainSeed))
	buf := make([]byte, 0, pageTokens*5)
	for k := 0; k < pages; k++ {
		h := sha256.New()
		h.Write(prev[:])
		buf = buf[:0]
		for i := k * pageTokens; i < (k+1)*pageTokens; i++ {
			buf = binary.LittleEndian.AppendUint32(buf, uint32(tokens[i]))
			if i < len(content) && content[i] != ([32]byte{}) {
				buf = append(buf, 1)
				buf = append(buf, content[i][:]...)
				continue
			}
			buf = append(buf, 0)
		}
		h.Write(buf)
		h.Sum(prev[:0])
		out = append(out, prev)
	}
	return out
}

// ImageContentID names the embedding rows of one image as a projector
// computes them: the same image file through the same projector gives the
// same rows. projectorDigest is the projector file's digest (ModelDigest)
// and imageHash the sha256 of the image file (vision.Image.Hash).
func ImageContentID(projectorDigest string, imageHash [32]byte) [32]byte {
	h := sha256.New()
	h.Write([]byte("hearth image v1\x00"))
	h.Write([]byte(projectorDigest))
	h.Write([]byte{0})
	h.Write(imageHash[:])
	var id [32]byte
	h.Sum(id[:0])
	return id
}
