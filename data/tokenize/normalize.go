package tokenize

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Boundary is the word-boundary mark, U+2581, written for a space.
const Boundary = "▁"

// Normalize is the one normalisation applied before chars, bpe and
// sentencepiece encoding, the same as sentencepiece's default nmt_nfkc
// on the characters listed here: ASCII control characters other than
// tab, line feed, form feed and carriage return (U+0001-U+0008, U+000B,
// U+000E-U+001F, U+007F, U+008F, U+009F) removed; zero-width and
// direction marks (U+200B, U+200C, U+200E, U+200F), U+1680, U+2028, U+2029, U+FEFF,
// U+FFFD and ▁ (U+2581) read as spaces; Unicode NFKC; then runs of
// spaces collapsed to one and trimmed at both ends. Other characters stay,
// U+0085 and the zero-width joiner U+200D included, as in nmt_nfkc.
func Normalize(line string) string {
	return collapseSpaces(nmtNFKC(line))
}

// nmtNFKC applies nmtMap then Unicode NFKC.
func nmtNFKC(s string) string {
	return norm.NFKC.String(strings.Map(nmtMap, s))
}

// collapseSpaces collapses runs of spaces to one and trims both ends.
func collapseSpaces(s string) string {
	return strings.Join(strings.FieldsFunc(s, isSpace), " ")
}

// isSpace reports whether r is the space character, the only whitespace
// left after nmtMap and NFKC.
func isSpace(r rune) bool { return r == ' ' }

// nmtMap removes control characters (-1) and maps the characters
// sentencepiece's nmt_nfkc treats as spaces to a space.
func nmtMap(r rune) rune {
	switch {
	case r == '\t' || r == '\n' || r == '\f' || r == '\r':
		return ' '
	case r >= 0x01 && r <= 0x1F, r == 0x7F, r == 0x8F, r == 0x9F:
		return -1
	case r == 0x200B, r == 0x200C, r == 0x200E, r == 0x200F, r == 0x1680, r == 0x2028, r == 0x2029,
		r == 0xFEFF, r == 0xFFFD, r == 0x2581:
		return ' '
	}
	return r
}
