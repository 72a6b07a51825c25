package tokenize

import "sync"

// cacheLimit bounds the per-word encoding cache.
const cacheLimit = 1 << 20

// wordCache memoises the pieces of words, for up to cacheLimit words. The
// zero value is ready to use and safe for concurrent use.
type wordCache struct {
	mu sync.Mutex
	m  map[string][]string
}

// pieces returns the cached pieces of word w, or encode(w), caching it
// while the cache holds fewer than cacheLimit words.
func (c *wordCache) pieces(w string, encode func(string) []string) []string {
	c.mu.Lock()
	p, ok := c.m[w]
	c.mu.Unlock()
	if ok {
		return p
	}
	p = encode(w)
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string][]string{}
	}
	if len(c.m) < cacheLimit {
		c.m[w] = p
	}
	c.mu.Unlock()
	return p
}
