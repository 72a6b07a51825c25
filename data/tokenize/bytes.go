package tokenize

import (
	"fmt"
	"strings"
)

// bytePiece returns the byte-fallback piece of b, "<0xNN>" in upper-case hex.
func bytePiece(b byte) string { return fmt.Sprintf("<0x%02X>", b) }

// parseBytePiece reports whether p is a byte-fallback piece and its byte.
func parseBytePiece(p string) (byte, bool) {
	if len(p) != 6 || p[:3] != "<0x" || p[5] != '>' {
		return 0, false
	}
	hi, ok1 := hexDigit(p[3])
	lo, ok2 := hexDigit(p[4])
	if !ok1 || !ok2 {
		return 0, false
	}
	return hi<<4 | lo, true
}

// hexDigit decodes one upper-case hex digit.
func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodePieces concatenates pieces, turning byte-fallback pieces back into
// their bytes; bytes that do not form valid UTF-8 become U+FFFD.
func decodePieces(tokens []string, isByte func(string) (byte, bool)) string {
	buf := make([]byte, 0, 8*len(tokens))
	for _, t := range tokens {
		if b, ok := isByte(t); ok {
			buf = append(buf, b)
			continue
		}
		buf = append(buf, t...)
	}
	return strings.ToValidUTF8(string(buf), "\uFFFD")
}
