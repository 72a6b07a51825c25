package bleu

import (
	"strings"
	"unicode"
)

const (
	capitalDottedI = '\u0130' // İ, lowercases to "i" + U+0307 in Python
	combiningDot   = '\u0307'
	capitalSigma   = '\u03a3'
	smallSigma     = '\u03c3'
	finalSigma     = '\u03c2'
)

// caseIgnorableExtra lists the Case_Ignorable code points that come from
// the Word_Break property (MidLetter, MidNumLet, Single_Quote) rather than
// from a general category.
var caseIgnorableExtra = map[rune]bool{
	'\'': true, '.': true, ':': true, '\u00b7': true, '\u0387': true,
	'\u055f': true, '\u05f4': true, '\u2018': true, '\u2019': true,
	'\u2024': true, '\u2027': true, '\ufe13': true, '\ufe52': true,
	'\ufe55': true, '\uff07': true, '\uff0e': true, '\uff1a': true,
}

// pyLower lowercases s like Python's str.lower: simple case mapping,
// plus the full mapping of U+0130 and the Final_Sigma context of U+03A3.
func pyLower(s string) string {
	if !strings.ContainsRune(s, capitalDottedI) && !strings.ContainsRune(s, capitalSigma) {
		return strings.ToLower(s)
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 2)
	for i, r := range rs {
		switch r {
		case capitalDottedI:
			b.WriteRune('i')
			b.WriteRune(combiningDot)
		case capitalSigma:
			b.WriteRune(lowerSigma(rs, i))
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// lowerSigma returns the lowercase form of the capital sigma at rs[i]:
// final sigma when a cased letter precedes it and none follows it,
// skipping case-ignorable characters in both directions.
func lowerSigma(rs []rune, i int) rune {
	j := i - 1
	for j >= 0 && isCaseIgnorable(rs[j]) {
		j--
	}
	if j < 0 || !isCased(rs[j]) {
		return smallSigma
	}
	k := i + 1
	for k < len(rs) && isCaseIgnorable(rs[k]) {
		k++
	}
	if k < len(rs) && isCased(rs[k]) {
		return smallSigma
	}
	return finalSigma
}

// isCased reports the Unicode Cased property: Lowercase, Uppercase or
// titlecase letters.
func isCased(r rune) bool {
	return unicode.In(r, unicode.Ll, unicode.Lu, unicode.Lt,
		unicode.Other_Lowercase, unicode.Other_Uppercase)
}

// isCaseIgnorable reports the Unicode Case_Ignorable property.
func isCaseIgnorable(r rune) bool {
	return caseIgnorableExtra[r] ||
		unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
