package tokenize

import (
	"fmt"
	"strings"
)

// Kind names a tokenizer kind, as written in configs and tokenizer files.
type Kind string

// The tokenizer kinds.
const (
	KindWords         Kind = "words"
	KindChars         Kind = "chars"
	KindBPE           Kind = "bpe"
	KindSentencePiece Kind = "sentencepiece"
)

// Kinds lists every kind, for error messages.
var Kinds = []Kind{KindWords, KindChars, KindBPE, KindSentencePiece}

// ParseKind returns the kind named s; "" is words, the default.
func ParseKind(s string) (Kind, error) {
	if s == "" {
		return KindWords, nil
	}
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown tokenizer %q: valid choices are words, chars, bpe, sentencepiece", s)
}

// Tokenizer cuts a line of raw text into tokens and joins tokens back into
// text. Implementations are safe for concurrent use.
type Tokenizer interface {
	// Kind names the tokenizer's kind.
	Kind() Kind
	// Encode returns the tokens of line; an empty line gives none.
	Encode(line string) []string
	// Decode joins tokens into text: Decode(Encode(s)) is Normalize(s)
	// for chars, bpe and sentencepiece models with spm_train's default
	// normalisation; words' Decode joins with single spaces.
	Decode(tokens []string) string
	// Pieces returns every token the tokenizer can emit, in a fixed order,
	// or nil when that set is open (words, chars): a model vocabulary
	// built from it covers every encoding.
	Pieces() []string
	// Save writes the tokenizer to path atomically.
	Save(path string) error
}

// New returns the tokenizer of a kind that needs no training or model
// file: words or chars.
func New(k Kind) (Tokenizer, error) {
	switch k {
	case KindWords:
		return Words{}, nil
	case KindChars:
		return Chars{}, nil
	}
	return nil, fmt.Errorf("tokenizer %s needs to be learned or loaded, not created empty", k)
}

// Load reads a tokenizer file written by Save, checking its checksum.
func Load(path string) (Tokenizer, error) {
	body, err := readChecked(path)
	if err != nil {
		return nil, err
	}
	return parseBody(path, body)
}

// Parse reads a tokenizer from the bytes of a file written by Save (or
// returned by Marshal), checking its checksum; name names the file in
// errors.
func Parse(name string, b []byte) (Tokenizer, error) {
	body, err := verifiedBody(name, b)
	if err != nil {
		return nil, err
	}
	return parseBody(name, body)
}

// Marshal returns the bytes Save writes for t.
func Marshal(t Tokenizer) ([]byte, error) {
	var body string
	switch t := t.(type) {
	case Words, Chars:
		body = simpleBody(t.Kind())
	case *BPE:
		body = t.fileBody()
	case *SentencePiece:
		body = t.fileBody()
	default:
		return nil, fmt.Errorf("marshal tokenizer: unknown type %T", t)
	}
	return []byte(sealed(body)), nil
}

// parseBody builds the tokenizer of a checked file body; path names the
// file in errors.
func parseBody(path, body string) (Tokenizer, error) {
	kind, rest, err := header(body)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer %s: %w", path, err)
	}
	var t Tokenizer
	switch kind {
	case KindWords:
		t = Words{}
	case KindChars:
		t = Chars{}
	case KindBPE:
		t, err = parseBPE(rest)
	case KindSentencePiece:
		t, err = parseSentencePieceFile(rest)
	default:
		err = fmt.Errorf("unknown kind %q", kind)
	}
	if err != nil {
		return nil, fmt.Errorf("load tokenizer %s: %w", path, err)
	}
	return t, nil
}

// header checks the format line and returns the kind and the lines after it.
func header(body string) (Kind, string, error) {
	first, rest, _ := strings.Cut(body, "\n")
	if first != fileMagic {
		return "", "", fmt.Errorf("not a tokenizer file: first line %q, want %q", first, fileMagic)
	}
	line, rest, _ := strings.Cut(rest, "\n")
	k, ok := strings.CutPrefix(line, "kind ")
	if !ok {
		return "", "", fmt.Errorf("line 2 is %q, want \"kind K\"", line)
	}
	return Kind(k), rest, nil
}

// saveSimple writes the file of a kind without parameters.
func saveSimple(path string, k Kind) error { return writeChecked(path, simpleBody(k)) }

// simpleBody is the file body of a kind without parameters.
func simpleBody(k Kind) string { return fileMagic + "\nkind " + string(k) + "\n" }
