package tokenize

import "strings"

// toValidUTF8 converts b to a string, each invalid byte sequence replaced
// by U+FFFD.
func toValidUTF8(b []byte) string { return strings.ToValidUTF8(string(b), "\uFFFD") }
