package tokenize

import (
	"slices"
	"testing"
)

// TestWordCache checks that a word is encoded once and then served from
// the cache, and that different words get their own pieces.
func TestWordCache(t *testing.T) {
	var c wordCache
	calls := 0
	enc := func(w string) []string { calls++; return []string{"▁" + w, "x"} }
	for range 3 {
		if got := c.pieces("ab", enc); !slices.Equal(got, []string{"▁ab", "x"}) {
			t.Fatalf("pieces(ab) = %q", got)
		}
	}
	if got := c.pieces("cd", enc); !slices.Equal(got, []string{"▁cd", "x"}) {
		t.Fatalf("pieces(cd) = %q", got)
	}
	if calls != 2 {
		t.Errorf("encode called %d times for 2 distinct words, want 2", calls)
	}
}
