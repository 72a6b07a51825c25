package data

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/seq2seq/transformer/align"
)

// Pair is one sentence pair, each side a list of tokens.
type Pair struct {
	Src, Tgt []string
}

// ToyConfig sets the size and seed of the built-in toy corpus.
type ToyConfig struct {
	Seed               uint64
	Train, Valid, Test int
	MinLen, MaxLen     int // source sentence length range in tokens
}

// DefaultToyConfig is 20,000/1,000/1,000 pairs of 3 to 25 tokens, seed 1.
func DefaultToyConfig() ToyConfig {
	return ToyConfig{Seed: 1, Train: 20000, Valid: 1000, Test: 1000, MinLen: 3, MaxLen: 25}
}

// toyGen draws sentences of the toy language pair. The source is
// English-like; the target is German-like and differs in ways that need
// translation rather than copying: grammatical gender, number and case on
// articles and adjectives (der/den/dem, große/großen), verb agreement,
// sentence adverbs after the finite verb, dative plurals, and verb-final
// subordinate clauses (", that the man sees the dog" →
// ", dass der mann den hund sieht").
type toyGen struct{ r *rand.Rand }

func (g *toyGen) n(k int) int { return int(g.r.Uint64() % uint64(k)) }

// nounPhrase returns a noun phrase in the given target case, with its
// word links, and whether it is plural.
func (g *toyGen) nounPhrase(cas int) (np phrase, plural bool) {
	n := nouns[g.n(len(nouns))]
	det := g.n(3) // 0 definite, 1 indefinite singular, 2 bare plural
	plural = det == 2 || (det == 0 && g.n(3) == 0)
	num := 0
	if plural {
		num = 1
	}
	var adj *adjective
	if g.n(2) == 0 {
		adj = &adjectives[g.n(len(adjectives))]
	}
	var parts []phrase
	switch det {
	case 0:
		parts = append(parts, word("the", definite[cas][num][n.gender]))
	case 1:
		parts = append(parts, word("a", indefinite[cas][n.gender]))
	}
	if adj != nil {
		ending := mixedEnding[cas][num][n.gender]
		if det == 0 {
			ending = weakEnding[cas][num][n.gender]
		}
		parts = append(parts, word(adj.en, inflect(adj.de, ending)))
	}
	if plural {
		parts = append(parts, word(n.enPl, dativePlural(n.dePl, cas)))
	} else {
		parts = append(parts, word(n.en, n.de))
	}
	return concat(parts...), plural
}

// inflect adds an adjective ending, merging a stem-final e ("müde"+"en" =
// "müden").
func inflect(stem, ending string) string {
	if strings.HasSuffix(stem, "e") {
		return stem + ending[1:]
	}
	return stem + ending
}

// dativePlural adds the dative plural -n where the plural does not already
// end in n or s.
func dativePlural(pl string, cas int) string {
	if cas == 2 && !strings.HasSuffix(pl, "n") && !strings.HasSuffix(pl, "s") {
		return pl + "n"
	}
	return pl
}

// clause returns a clause; sub puts the target verb last.
func (g *toyGen) clause(sub bool) phrase {
	subj, plural := g.nounPhrase(0)
	v := verbs[g.n(len(verbs))]
	verb := word(v.en3, v.de3)
	if plural {
		verb = word(v.en, v.dePl)
	}
	var adv phrase
	if g.n(3) == 0 {
		a := adverbs[g.n(len(adverbs))]
		adv = word(a[0], a[1])
	}
	obj, _ := g.nounPhrase(1)
	var pp phrase
	if g.n(3) == 0 {
		p := prepositions[g.n(len(prepositions))]
		np, _ := g.nounPhrase(2)
		pp = concat(word(p[0], p[1]), np)
	}
	// The source puts the adverb before the verb; the target puts it after
	// the finite verb, which comes second in a main clause and last in a
	// subordinate one.
	parts := []phrase{subj, verb, adv, obj, pp}
	if sub {
		return reorder(parts, []int{0, 2, 1, 3, 4}, []int{0, 2, 3, 4, 1})
	}
	return reorder(parts, []int{0, 2, 1, 3, 4}, []int{0, 1, 2, 3, 4})
}

// sentence returns one sentence pair with its gold word alignment: a main
// clause, optionally a subordinate clause, and a full stop.
func (g *toyGen) sentence() ToyPair {
	p := g.clause(false)
	if g.n(2) == 0 {
		c := conjunctions[g.n(len(conjunctions))]
		p = concat(p, word(",", ","), word(c[0], c[1]), g.clause(true))
	}
	p = concat(p, word(".", "."))
	return ToyPair{Pair: Pair{Src: p.src, Tgt: p.tgt}, Links: p.links}
}

// GenerateToy draws cfg.Valid + cfg.Test + cfg.Train distinct sentence
// pairs (distinct by source) of cfg.MinLen to cfg.MaxLen source tokens: the
// first go to validation, the next to test, the rest to training, so no
// validation or test source appears in training.
func GenerateToy(cfg ToyConfig) (train, valid, test []Pair, err error) {
	at, av, as, err := GenerateToyAligned(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	return pairsOf(at), pairsOf(av), pairsOf(as), nil
}

// pairsOf drops the alignments of toy pairs.
func pairsOf(tps []ToyPair) []Pair {
	out := make([]Pair, len(tps))
	for i, tp := range tps {
		out[i] = tp.Pair
	}
	return out
}

// GenerateToyAligned is GenerateToy with the gold word alignment of every
// pair: the same pairs in the same order (the alignment costs no random
// draws).
func GenerateToyAligned(cfg ToyConfig) (train, valid, test []ToyPair, err error) {
	if cfg.Train <= 0 || cfg.Valid < 0 || cfg.Test < 0 || cfg.MinLen < 1 || cfg.MaxLen < cfg.MinLen {
		return nil, nil, nil, fmt.Errorf("toy corpus: bad sizes %+v", cfg)
	}
	g := &toyGen{r: rand.New(rand.NewPCG(cfg.Seed, 0x70790c0a))}
	want := cfg.Train + cfg.Valid + cfg.Test
	seen := make(map[string]bool, want)
	var all []ToyPair
	for tries := 0; len(all) < want; tries++ {
		if tries > 50*want+1000 {
			return nil, nil, nil, fmt.Errorf("toy corpus: only %d distinct sentences of %d-%d tokens after %d draws", len(all), cfg.MinLen, cfg.MaxLen, tries)
		}
		p := g.sentence()
		key := strings.Join(p.Src, " ")
		if len(p.Src) < cfg.MinLen || len(p.Src) > cfg.MaxLen || seen[key] {
			continue
		}
		seen[key] = true
		all = append(all, p)
	}
	valid, test, train = all[:cfg.Valid], all[cfg.Valid:cfg.Valid+cfg.Test], all[cfg.Valid+cfg.Test:]
	return train, valid, test, nil
}

// toySplits names the toy corpus's splits in the order WriteToy writes them.
var toySplits = []string{"train", "valid", "test"}

// WriteToy generates the toy corpus and writes {dir}/{train,valid,test}.{srcExt,tgtExt}
// and the gold word alignments {dir}/{train,valid,test}.align (Pharaoh
// format, see package align), each file atomically.
func WriteToy(dir, srcExt, tgtExt string, cfg ToyConfig) error {
	splits, err := toySplitPairs(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("toy corpus: %w", err)
	}
	for i, name := range toySplits {
		base := filepath.Join(dir, name+".")
		ps := pairsOf(splits[i])
		for _, f := range []struct {
			ext  string
			text string
		}{{srcExt, sideText(ps, srcSide)}, {tgtExt, sideText(ps, tgtSide)}, {"align", alignText(splits[i])}} {
			if err := WriteFileAtomic(base+f.ext, []byte(f.text)); err != nil {
				return err
			}
		}
	}
	return nil
}

// missingCorpusFiles returns the paths of the six corpus files
// {dir}/{train,valid,test}.{srcExt,tgtExt} that cannot be stat'ed.
func missingCorpusFiles(dir, srcExt, tgtExt string) []string {
	var missing []string
	for _, split := range toySplits {
		for _, ext := range []string{srcExt, tgtExt} {
			p := filepath.Join(dir, split+"."+ext)
			if _, err := os.Stat(p); err != nil {
				missing = append(missing, p)
			}
		}
	}
	return missing
}

// toySplitPairs generates the toy corpus as its splits in toySplits order.
func toySplitPairs(cfg ToyConfig) ([3][]ToyPair, error) {
	train, valid, test, err := GenerateToyAligned(cfg)
	return [3][]ToyPair{train, valid, test}, err
}

// EnsureToy writes the toy corpus into dir, with a ToyRecordFile of cfg
// beside it, when none of its six files exists. When all exist it writes only the missing alignment files (see
// ensureToyAlign); when only some exist it writes nothing and returns an
// error naming the missing ones, so a corpus of the user's is never
// overwritten.
func EnsureToy(dir, srcExt, tgtExt string, cfg ToyConfig) (generated bool, err error) {
	missing := missingCorpusFiles(dir, srcExt, tgtExt)
	switch len(missing) {
	case 0:
		return false, ensureToyAlign(dir, srcExt, tgtExt, cfg)
	case 6:
		if err := WriteToy(dir, srcExt, tgtExt, cfg); err != nil {
			return false, err
		}
		return true, writeToyRecord(dir, cfg)
	}
	return false, fmt.Errorf("toy corpus: %s missing while other corpus files exist in %s; an existing corpus is never overwritten (remove it to regenerate, or set data.toy: false)", strings.Join(missing, ", "), dir)
}

// ensureToyAlign writes the {split}.align files missing beside an existing
// corpus (one generated before alignments were written) when that corpus
// is byte for byte the toy corpus of cfg; a corpus that differs gets none,
// since its gold alignments are unknown. It never writes the corpus files.
func ensureToyAlign(dir, srcExt, tgtExt string, cfg ToyConfig) error {
	var todo []int
	for i, split := range toySplits {
		if _, err := os.Stat(filepath.Join(dir, split+".align")); err != nil {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	splits, err := toySplitPairs(cfg)
	if err != nil {
		return err
	}
	for _, i := range todo {
		base := filepath.Join(dir, toySplits[i]+".")
		ps := pairsOf(splits[i])
		same, err := sameText(base+srcExt, sideText(ps, srcSide))
		if err == nil && same {
			same, err = sameText(base+tgtExt, sideText(ps, tgtSide))
		}
		if err != nil {
			return fmt.Errorf("toy corpus: %w", err)
		}
		if !same {
			return nil
		}
	}
	for _, i := range todo {
		if err := WriteFileAtomic(filepath.Join(dir, toySplits[i]+".align"), []byte(alignText(splits[i]))); err != nil {
			return err
		}
	}
	return nil
}

// sameText reports whether the file at path holds exactly text.
func sameText(path, text string) (bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	return string(b) == text, nil
}

func srcSide(p Pair) []string { return p.Src }
func tgtSide(p Pair) []string { return p.Tgt }

// sideText is one side of pairs, one sentence a line with its tokens
// joined by spaces.
func sideText(pairs []Pair, side func(Pair) []string) string {
	var b strings.Builder
	for _, p := range pairs {
		b.WriteString(strings.Join(side(p), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// alignText is the pairs' alignments in Pharaoh format, one line a pair.
func alignText(pairs []ToyPair) string {
	var b strings.Builder
	for _, p := range pairs {
		b.WriteString(align.FormatLine(p.Links))
		b.WriteByte('\n')
	}
	return b.String()
}

// WriteFileAtomic writes data to path via a synced temporary file in the
// same directory and a rename, so readers never see a partial file.
func WriteFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
