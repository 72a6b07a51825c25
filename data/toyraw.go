package data

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// RawPair is one sentence pair of raw text, as a user would bring it.
type RawPair struct {
	Src, Tgt string
}

// rawNames are the names the raw toy corpus addresses; the same on both sides.
var rawNames = []string{"Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hugo",
	"Ida", "Jonas", "Klara", "Lukas", "Mia", "Noah", "Olga", "Paul"}

// GenerateToyRaw returns the toy corpus of GenerateToy in raw, cased form:
// the first word capitalised, "," and "." attached to the word before,
// and, each with probability 1/4 and drawn the same way for both sides, a
// name addressed at the start ("Anna, the dog sees ...") and a year
// before the final period ("... in 1987." / "... im Jahr 1987."). The
// draws come from a PCG seeded with cfg.Seed, so the corpus is
// deterministic.
func GenerateToyRaw(cfg ToyConfig) (train, valid, test []RawPair, err error) {
	tr, va, te, err := GenerateToy(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x72617721))
	conv := func(ps []Pair) []RawPair {
		out := make([]RawPair, len(ps))
		for i, p := range ps {
			out[i] = rawPair(p, r)
		}
		return out
	}
	return conv(tr), conv(va), conv(te), nil
}

// rawPair draws the name and year of one pair and renders both sides.
func rawPair(p Pair, r *rand.Rand) RawPair {
	name := ""
	if r.IntN(4) == 0 {
		name = rawNames[r.IntN(len(rawNames))]
	}
	year := ""
	if r.IntN(4) == 0 {
		year = strconv.Itoa(1900 + r.IntN(126))
	}
	src, tgt := p.Src, p.Tgt
	if year != "" {
		src = insertBeforeFinal(src, "in", year)
		tgt = insertBeforeFinal(tgt, "im", "Jahr", year)
	}
	if name != "" {
		src = append([]string{name, ","}, src...)
		tgt = append([]string{name, ","}, tgt...)
	}
	return RawPair{Src: rawText(src), Tgt: rawText(tgt)}
}

// insertBeforeFinal inserts words before the last token (the period).
func insertBeforeFinal(toks []string, words ...string) []string {
	n := len(toks) - 1
	out := append([]string(nil), toks[:n]...)
	out = append(out, words...)
	return append(out, toks[n:]...)
}

// rawText joins tokens with spaces, attaches punctuation to the word
// before it and capitalises the first letter.
func rawText(toks []string) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && t != "," && t != "." {
			b.WriteByte(' ')
		}
		b.WriteString(t)
	}
	s := b.String()
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// WriteToyRaw writes the raw toy corpus to
// {dir}/{train,valid,test}.{srcExt,tgtExt}, one sentence a line, each file
// atomically.
func WriteToyRaw(dir, srcExt, tgtExt string, cfg ToyConfig) error {
	train, valid, test, err := GenerateToyRaw(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("raw toy corpus: %w", err)
	}
	for _, s := range []struct {
		name  string
		pairs []RawPair
	}{{"train", train}, {"valid", valid}, {"test", test}} {
		var src, tgt strings.Builder
		for _, p := range s.pairs {
			src.WriteString(p.Src + "\n")
			tgt.WriteString(p.Tgt + "\n")
		}
		if err := WriteFileAtomic(filepath.Join(dir, s.name+"."+srcExt), []byte(src.String())); err != nil {
			return err
		}
		if err := WriteFileAtomic(filepath.Join(dir, s.name+"."+tgtExt), []byte(tgt.String())); err != nil {
			return err
		}
	}
	return nil
}

// EnsureToyRaw writes the raw toy corpus into dir when none of its six
// files exists, does nothing when all exist, and otherwise writes nothing
// and returns an error naming the missing files, like EnsureToy.
func EnsureToyRaw(dir, srcExt, tgtExt string, cfg ToyConfig) (generated bool, err error) {
	missing := missingCorpusFiles(dir, srcExt, tgtExt)
	switch len(missing) {
	case 0:
		return false, nil
	case 6:
		return true, WriteToyRaw(dir, srcExt, tgtExt, cfg)
	}
	return false, fmt.Errorf("raw toy corpus: %s missing while other corpus files exist in %s; an existing corpus is never overwritten (remove it to regenerate)", strings.Join(missing, ", "), dir)
}
