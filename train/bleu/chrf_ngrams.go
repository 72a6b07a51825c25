package bleu

import "strings"

// chrfCounts counts the character or word n-grams of one order, keyed by
// the n-gram text.
type chrfCounts map[string]int

// chrfNgrams returns the character n-gram counts of orders 1..CharOrder
// and then the word n-gram counts of orders 1..WordOrder of a segment,
// like sacreBLEU's extract_all_char_ngrams and extract_word_ngrams.
func chrfNgrams(s string, opt ChrFOptions) []chrfCounts {
	out := make([]chrfCounts, 0, opt.order())
	line := s
	if !opt.Whitespace {
		line = strings.Join(pyFields(s), "")
	}
	chars := []rune(line)
	for n := 1; n <= opt.CharOrder; n++ {
		c := chrfCounts{}
		for i := 0; i+n <= len(chars); i++ {
			c[string(chars[i:i+n])]++
		}
		out = append(out, c)
	}
	if opt.WordOrder > 0 {
		words := splitPunctuation(s)
		for n := 1; n <= opt.WordOrder; n++ {
			c := chrfCounts{}
			for i := 0; i+n <= len(words); i++ {
				c[strings.Join(words[i:i+n], " ")]++
			}
			out = append(out, c)
		}
	}
	return out
}

// chrfPuncts is Python's string.punctuation, which chrF++ splits off words.
const chrfPuncts = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// splitPunctuation splits a segment into words like CHRF._remove_punctuation:
// a word of two or more characters ending in punctuation loses that last
// character to a word of its own, else one starting with punctuation loses
// the first.
func splitPunctuation(s string) []string {
	var out []string
	for _, w := range pyFields(s) {
		r := []rune(w)
		switch {
		case len(r) == 1:
			out = append(out, w)
		case strings.ContainsRune(chrfPuncts, r[len(r)-1]):
			out = append(out, string(r[:len(r)-1]), string(r[len(r)-1]))
		case strings.ContainsRune(chrfPuncts, r[0]):
			out = append(out, string(r[0]), string(r[1:]))
		default:
			out = append(out, w)
		}
	}
	return out
}
