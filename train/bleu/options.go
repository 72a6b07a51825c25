package bleu

import (
	"fmt"
	"strings"
)

// Tokenizer names accepted in Options.Tokenize.
const (
	Tokenizer13a  = "13a"
	TokenizerNone = "none"
)

// Version is the value of the "version" field in signatures; it names
// this scorer rather than a sacreBLEU release.
const Version = "go-seq2seq-1.0"

// Options selects the preprocessing applied to hypotheses and references.
// The zero value is sacreBLEU's default: 13a tokenization, case-sensitive.
type Options struct {
	// Tokenize is "13a" (the default when empty) or "none".
	Tokenize string
	// Lowercase makes matching case-insensitive (sacreBLEU's -lc).
	Lowercase bool
}

// tokenizer returns the tokenizer name with the default filled in.
func (o Options) tokenizer() string {
	if o.Tokenize == "" {
		return Tokenizer13a
	}
	return o.Tokenize
}

// validate reports an unknown tokenizer, listing the valid choices.
func (o Options) validate() error {
	switch o.tokenizer() {
	case Tokenizer13a, TokenizerNone:
		return nil
	}
	return fmt.Errorf("unknown tokenizer %q: valid choices are %s, %s",
		o.Tokenize, Tokenizer13a, TokenizerNone)
}

// preprocess lowercases (optionally), right-strips and tokenizes one
// segment, like sacreBLEU's BLEU._preprocess_segment.
func (o Options) preprocess(sent string) string {
	if o.Lowercase {
		sent = pyLower(sent)
	}
	sent = pyRstrip(sent)
	if o.tokenizer() == TokenizerNone {
		return sent
	}
	return Tokenize13a(sent)
}

// sigField is one "key:value" pair of a signature, with the key's
// abbreviation used by sacreBLEU's --short signatures.
type sigField struct {
	key, short, value string
}

// signatureFields lists the signature fields in sacreBLEU's order.
func signatureFields(nrefs int, opt Options) []sigField {
	caseName := "mixed"
	if opt.Lowercase {
		caseName = "lc"
	}
	return []sigField{
		{"nrefs", "#", fmt.Sprint(nrefs)},
		{"case", "c", caseName},
		{"eff", "e", "no"},
		{"tok", "tok", opt.tokenizer()},
		{"smooth", "s", "exp"},
		{"version", "v", Version},
	}
}

// formatSignature joins fields as sacreBLEU does, with abbreviated keys
// when short is set.
func formatSignature(fields []sigField, short bool) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		key := f.key
		if short {
			key = f.short
		}
		parts[i] = key + ":" + f.value
	}
	return strings.Join(parts, "|")
}

// Signature returns the reproducibility signature for a score computed
// against nrefs reference streams with opt, for example
// "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:go-seq2seq-1.0".
func Signature(nrefs int, opt Options) string {
	return formatSignature(signatureFields(nrefs, opt), false)
}
