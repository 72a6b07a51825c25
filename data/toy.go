package data

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
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

// nounPhrase returns source and target tokens of a noun phrase in the given
// target case, and whether it is plural.
func (g *toyGen) nounPhrase(cas int) (src, tgt []string, plural bool) {
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
	switch det {
	case 0:
		src = append(src, "the")
		tgt = append(tgt, definite[cas][num][n.gender])
	case 1:
		src = append(src, "a")
		tgt = append(tgt, indefinite[cas][n.gender])
	}
	if adj != nil {
		src = append(src, adj.en)
		ending := mixedEnding[cas][num][n.gender]
		if det == 0 {
			ending = weakEnding[cas][num][n.gender]
		}
		tgt = append(tgt, inflect(adj.de, ending))
	}
	if plural {
		src = append(src, n.enPl)
		tgt = append(tgt, dativePlural(n.dePl, cas))
	} else {
		src = append(src, n.en)
		tgt = append(tgt, n.de)
	}
	return src, tgt, plural
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
func (g *toyGen) clause(sub bool) (src, tgt []string) {
	subjS, subjT, plural := g.nounPhrase(0)
	v := verbs[g.n(len(verbs))]
	vs, vt := v.en3, v.de3
	if plural {
		vs, vt = v.en, v.dePl
	}
	var adv []string
	if g.n(3) == 0 {
		a := adverbs[g.n(len(adverbs))]
		adv = []string{a[0], a[1]}
	}
	objS, objT, _ := g.nounPhrase(1)
	var ppS, ppT []string
	if g.n(3) == 0 {
		p := prepositions[g.n(len(prepositions))]
		s, t, _ := g.nounPhrase(2)
		ppS, ppT = append([]string{p[0]}, s...), append([]string{p[1]}, t...)
	}
	src = append(src, subjS...)
	if adv != nil {
		src = append(src, adv[0])
	}
	src = append(append(append(src, vs), objS...), ppS...)
	tgt = append(tgt, subjT...)
	if !sub {
		tgt = append(tgt, vt)
	}
	if adv != nil {
		tgt = append(tgt, adv[1])
	}
	tgt = append(append(tgt, objT...), ppT...)
	if sub {
		tgt = append(tgt, vt)
	}
	return src, tgt
}

// sentence returns one sentence pair: a main clause, optionally a
// subordinate clause, and a full stop.
func (g *toyGen) sentence() Pair {
	src, tgt := g.clause(false)
	if g.n(2) == 0 {
		c := conjunctions[g.n(len(conjunctions))]
		s, t := g.clause(true)
		src = append(append(src, ",", c[0]), s...)
		tgt = append(append(tgt, ",", c[1]), t...)
	}
	return Pair{Src: append(src, "."), Tgt: append(tgt, ".")}
}

// GenerateToy draws cfg.Valid + cfg.Test + cfg.Train distinct sentence
// pairs (distinct by source) of cfg.MinLen to cfg.MaxLen source tokens: the
// first go to validation, the next to test, the rest to training, so no
// validation or test source appears in training.
func GenerateToy(cfg ToyConfig) (train, valid, test []Pair, err error) {
	if cfg.Train <= 0 || cfg.Valid < 0 || cfg.Test < 0 || cfg.MinLen < 1 || cfg.MaxLen < cfg.MinLen {
		return nil, nil, nil, fmt.Errorf("toy corpus: bad sizes %+v", cfg)
	}
	g := &toyGen{r: rand.New(rand.NewPCG(cfg.Seed, 0x70790c0a))}
	want := cfg.Train + cfg.Valid + cfg.Test
	seen := make(map[string]bool, want)
	var all []Pair
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

// WriteToy generates the toy corpus and writes {dir}/{train,valid,test}.{srcExt,tgtExt},
// each file atomically.
func WriteToy(dir, srcExt, tgtExt string, cfg ToyConfig) error {
	train, valid, test, err := GenerateToy(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("toy corpus: %w", err)
	}
	for _, s := range []struct {
		name  string
		pairs []Pair
	}{{"train", train}, {"valid", valid}, {"test", test}} {
		if err := writeSide(filepath.Join(dir, s.name+"."+srcExt), s.pairs, func(p Pair) []string { return p.Src }); err != nil {
			return err
		}
		if err := writeSide(filepath.Join(dir, s.name+"."+tgtExt), s.pairs, func(p Pair) []string { return p.Tgt }); err != nil {
			return err
		}
	}
	return nil
}

// EnsureToy writes the toy corpus into dir when none of its six files
// exists, with a ToyRecordFile of cfg beside it. When all exist it does nothing; when only some exist it writes
// nothing and returns an error naming the missing ones, so a corpus of the
// user's is never overwritten.
func EnsureToy(dir, srcExt, tgtExt string, cfg ToyConfig) (generated bool, err error) {
	var missing []string
	for _, split := range []string{"train", "valid", "test"} {
		for _, ext := range []string{srcExt, tgtExt} {
			p := filepath.Join(dir, split+"."+ext)
			if _, err := os.Stat(p); err != nil {
				missing = append(missing, p)
			}
		}
	}
	switch len(missing) {
	case 0:
		return false, nil
	case 6:
		if err := WriteToy(dir, srcExt, tgtExt, cfg); err != nil {
			return false, err
		}
		return true, writeToyRecord(dir, cfg)
	}
	return false, fmt.Errorf("toy corpus: %s missing while other corpus files exist in %s; an existing corpus is never overwritten (remove it to regenerate, or set data.toy: false)", strings.Join(missing, ", "), dir)
}

// writeSide writes one side of pairs, one sentence a line, through a
// temporary file that is synced and renamed into place.
func writeSide(path string, pairs []Pair, side func(Pair) []string) error {
	var b strings.Builder
	for _, p := range pairs {
		b.WriteString(strings.Join(side(p), " "))
		b.WriteByte('\n')
	}
	return WriteFileAtomic(path, []byte(b.String()))
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
