package bleu

import (
	"strings"
	"unicode"
)

// isPySpace reports whether r is whitespace for Python's str.isspace,
// str.split and str.rstrip: Go's Unicode White_Space set plus the ASCII
// information separators U+001C..U+001F, which Python also counts.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// pyFields splits s on runs of Python whitespace, like Python's
// s.split() without arguments.
func pyFields(s string) []string {
	return strings.FieldsFunc(s, isPySpace)
}

// pyRstrip removes trailing Python whitespace, like Python's s.rstrip().
func pyRstrip(s string) string {
	return strings.TrimRightFunc(s, isPySpace)
}

// pyJoinFields is Python's ' '.join(s.split()): it trims s and collapses
// every run of whitespace to one ASCII space.
func pyJoinFields(s string) string {
	return strings.Join(pyFields(s), " ")
}
