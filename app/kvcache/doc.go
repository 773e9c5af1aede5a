// Package kvcache keeps engine sessions' KV caches in storage, so that a
// prompt whose beginning was seen before is restored instead of computed.
//
// A session's cache is saved in pages of PageTokens positions (256 by
// default). Page k is stored under (model digest, h_k), where the prefix
// hash chain is
//
//	h_0 = sha256("hearth kv prefix v1")
//	h_k = sha256(h_{k-1} || position encodings of page k)
//
// and a position encodes as its token id (4 bytes, little-endian), a byte
// 0 for a plain token or 1 followed by a 32-byte content id for a position
// filled by an embedding (an image tile's row; see ImageContentID). So
// equal prefixes, images included, share pages, and any change to a
// token or an image changes every later hash. Only whole pages are saved;
// a tail shorter than a page is recomputed until it fills.
//
// The model digest names everything that fixes the cache's contents: the
// model file's sha256 (computed once per path, size and modification time
// and remembered in the settings table) mixed with the caller's extras
// (metadata overrides, cache element type, math mode).
//
// Storage verifies every page's checksum and the engine checks each page's
// header and its own CRC; a page that fails either is discarded, logged
// and recomputed, never used.
package kvcache
