package tokenize

import "strings"

// Chars makes every character of the normalised line a token, a space
// written as ▁.
type Chars struct{}

// Kind is chars.
func (Chars) Kind() Kind { return KindChars }

// Encode returns the characters of Normalize(line), ▁ for each space.
func (Chars) Encode(line string) []string {
	s := Normalize(line)
	out := make([]string, 0, len(s))
	for _, r := range s {
		if r == ' ' {
			out = append(out, Boundary)
			continue
		}
		out = append(out, string(r))
	}
	return out
}

// Decode concatenates tokens, ▁ read as a space.
func (Chars) Decode(tokens []string) string {
	return strings.ReplaceAll(strings.Join(tokens, ""), Boundary, " ")
}

// Pieces is nil: any character is a token.
func (Chars) Pieces() []string { return nil }

// Save writes a chars tokenizer file.
func (Chars) Save(path string) error { return saveSimple(path, KindChars) }
