package tokenize

import "strings"

// Words splits on whitespace and joins with single spaces: the
// framework's original behaviour, for pre-tokenized text. It does not
// normalise.
type Words struct{}

// Kind is words.
func (Words) Kind() Kind { return KindWords }

// Encode splits line at whitespace runs.
func (Words) Encode(line string) []string { return strings.Fields(line) }

// Decode joins tokens with single spaces.
func (Words) Decode(tokens []string) string { return strings.Join(tokens, " ") }

// Pieces is nil: any word is a token.
func (Words) Pieces() []string { return nil }

// Save writes a words tokenizer file.
func (Words) Save(path string) error { return saveSimple(path, KindWords) }
