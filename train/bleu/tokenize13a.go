package bleu

import "strings"

// Tokenize13a tokenizes line like sacreBLEU's default "13a" tokenizer, a
// port of the tokenization in mteval-v13a.pl used by WMT. It drops
// "<skipped>" and "-\n", turns newlines into spaces, unescapes &quot;,
// &amp;, &lt; and &gt;, pads ASCII punctuation and symbols with spaces,
// splits periods and commas except between digits, splits a dash that
// follows a digit, and collapses whitespace.
func Tokenize13a(line string) string {
	line = strings.ReplaceAll(line, "<skipped>", "")
	line = strings.ReplaceAll(line, "-\n", "")
	line = strings.ReplaceAll(line, "\n", " ")
	// Sequential replacements, as in sacreBLEU: "&amp;lt;" becomes "<".
	if strings.Contains(line, "&") {
		line = strings.ReplaceAll(line, "&quot;", `"`)
		line = strings.ReplaceAll(line, "&amp;", "&")
		line = strings.ReplaceAll(line, "&lt;", "<")
		line = strings.ReplaceAll(line, "&gt;", ">")
	}
	return tokenizeRegexp(" " + line + " ")
}

// tokenizeRegexp applies the four substitutions of sacreBLEU's
// TokenizerRegexp in order, then collapses whitespace. Every pattern
// involves only ASCII characters besides the "any non-digit" class, so
// working on bytes gives the same result as working on code points.
func tokenizeRegexp(line string) string {
	line = padSymbols(line)
	// ([^0-9])([\.,]) -> "\1 \2 ": period or comma not preceded by a digit.
	line = replacePairs(line, isNotDigit, isPeriodOrComma, func(b *strings.Builder, x, y byte) {
		b.WriteByte(x)
		b.WriteByte(' ')
		b.WriteByte(y)
		b.WriteByte(' ')
	})
	// ([\.,])([^0-9]) -> " \1 \2": period or comma not followed by a digit.
	line = replacePairs(line, isPeriodOrComma, isNotDigit, func(b *strings.Builder, x, y byte) {
		b.WriteByte(' ')
		b.WriteByte(x)
		b.WriteByte(' ')
		b.WriteByte(y)
	})
	// ([0-9])(-) -> "\1 \2 ": dash preceded by a digit.
	line = replacePairs(line, isDigit, isDash, func(b *strings.Builder, x, y byte) {
		b.WriteByte(x)
		b.WriteByte(' ')
		b.WriteByte(y)
		b.WriteByte(' ')
	})
	return pyJoinFields(line)
}

// isPaddedSymbol reports whether c belongs to the first 13a class
// [\{-\~\[-\` -\&\(-\+\:-\@\/]: every printable ASCII character except
// letters, digits, the apostrophe, comma, dash and period.
func isPaddedSymbol(c byte) bool {
	switch {
	case c >= '{' && c <= '~', c >= '[' && c <= '`', c >= ' ' && c <= '&',
		c >= '(' && c <= '+', c >= ':' && c <= '@', c == '/':
		return true
	}
	return false
}

// padSymbols surrounds every character of the first 13a class with a
// space on each side.
func padSymbols(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isPaddedSymbol(c) {
			b.WriteByte(' ')
			b.WriteByte(c)
			b.WriteByte(' ')
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// replacePairs mimics Python's re.sub for a two-character pattern
// (first)(second): it scans left to right, rewrites each non-overlapping
// match with repl and resumes after the match.
func replacePairs(s string, first, second func(byte) bool, repl func(b *strings.Builder, x, y byte)) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); {
		if i+1 < len(s) && first(s[i]) && second(s[i+1]) {
			repl(&b, s[i], s[i+1])
			i += 2
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func isDigit(c byte) bool         { return c >= '0' && c <= '9' }
func isNotDigit(c byte) bool      { return !isDigit(c) }
func isPeriodOrComma(c byte) bool { return c == '.' || c == ',' }
func isDash(c byte) bool          { return c == '-' }
