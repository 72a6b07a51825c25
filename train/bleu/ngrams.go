package bleu

import "strings"

// maxOrder is the highest n-gram order BLEU counts.
const maxOrder = 4

// ngramCounts maps an n-gram, its tokens joined by single spaces, to its
// count. Tokens never contain whitespace, so the key is unambiguous and
// also encodes the order.
type ngramCounts map[string]int

// extractNgrams counts every n-gram of order 1..maxOrder in a tokenized
// line and returns the counts and the number of tokens.
func extractNgrams(line string) (ngramCounts, int) {
	tokens := pyFields(line)
	counts := make(ngramCounts, len(tokens)*maxOrder)
	for n := 1; n <= maxOrder; n++ {
		for i := 0; i+n <= len(tokens); i++ {
			counts[strings.Join(tokens[i:i+n], " ")]++
		}
	}
	return counts, len(tokens)
}

// ngramOrder returns the order of an n-gram key.
func ngramOrder(key string) int {
	return strings.Count(key, " ") + 1
}

// mergeMax raises every count in dst to at least its count in src, which
// is how sacreBLEU combines the n-grams of several references.
func (dst ngramCounts) mergeMax(src ngramCounts) {
	for g, c := range src {
		if c > dst[g] {
			dst[g] = c
		}
	}
}
