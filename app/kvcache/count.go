package kvcache

import "context"

// CountPrefix returns how many leading whole pages of tokens (with content
// as in Input.Content, nil for text) the cache holds under digest, without
// reading them.
func (c *Cache) CountPrefix(ctx context.Context, digest string, tokens []int32, content [][32]byte) (int, error) {
	if content != nil && len(content) > len(tokens) {
		content = content[:len(tokens)]
	}
	return c.db.CountKVPrefix(ctx, digest, PrefixHashes(tokens, content, c.opts.PageTokens))
}
