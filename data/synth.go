package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
)

// SynthConfig sets a synthetic parallel corpus with large vocabularies, for
// benchmarks and memory tests at real sizes. SrcVocab and TgtVocab count
// word types (specials excluded); TgtVocab must lie in [SrcVocab/8,
// 2*SrcVocab].
type SynthConfig struct {
	Seed               uint64
	SrcVocab, TgtVocab int
	Train, Valid, Test int
	MeanLen            float64 // mean source length in tokens (lengths are log-normal)
	MinLen, MaxLen     int     // source length range in tokens
}

// DefaultSynthConfig is Multi30k's size: 29,000/1,014/1,000 pairs of 4 to
// 40 source tokens, 12 on average, with the given vocabularies, seed 1.
func DefaultSynthConfig(srcVocab, tgtVocab int) SynthConfig {
	return SynthConfig{Seed: 1, SrcVocab: srcVocab, TgtVocab: tgtVocab,
		Train: 29000, Valid: 1014, Test: 1000, MeanLen: 12, MinLen: 4, MaxLen: 40}
}

// synthZipfS and synthZipfQ shape the Zipf-Mandelbrot word frequencies,
// p(rank r) ∝ 1/(r+q)^s, as fitted to English and German text.
const (
	synthZipfS = 1.05
	synthZipfQ = 2.7
)

// synthGen draws sentences of the synthetic language pair. Source word
// ranks follow Zipf-Mandelbrot frequencies; the translation is learnable
// but not a copy: each source word has a fixed target word (several
// source words share one when the target vocabulary is smaller), the
// first TgtVocab-SrcVocab source words become two target words (a
// compound) when it is larger, and a word of class 1 ("adjective")
// before one of class 0 ("noun") swaps with it. Word classes are rank
// mod 4.
type synthGen struct {
	cfg SynthConfig
	r   *rand.Rand
	cdf []float64 // cumulative source rank probabilities
}

func newSynthGen(cfg SynthConfig) *synthGen {
	cdf := make([]float64, cfg.SrcVocab)
	sum := 0.0
	for r := range cdf {
		sum += 1 / math.Pow(float64(r)+synthZipfQ, synthZipfS)
		cdf[r] = sum
	}
	for r := range cdf {
		cdf[r] /= sum
	}
	return &synthGen{cfg: cfg, r: rand.New(rand.NewPCG(cfg.Seed, 0x5e17c0a9)), cdf: cdf}
}

// word draws a source word rank.
func (g *synthGen) word() int {
	u := g.r.Float64()
	return min(sort.SearchFloat64s(g.cdf, u), len(g.cdf)-1)
}

// length draws a source length: log-normal around MeanLen, clamped.
func (g *synthGen) length() int {
	const sigma = 0.45
	mu := math.Log(g.cfg.MeanLen) - sigma*sigma/2
	n := int(math.Round(math.Exp(mu + sigma*g.r.NormFloat64())))
	return min(max(n, g.cfg.MinLen), g.cfg.MaxLen)
}

// sentence draws the source ranks of one sentence.
func (g *synthGen) sentence() []int {
	s := make([]int, g.length())
	for i := range s {
		s[i] = g.word()
	}
	return s
}

// translate maps source ranks to target ranks.
func (g *synthGen) translate(src []int) []int {
	vs, vt := g.cfg.SrcVocab, g.cfg.TgtVocab
	words := func(s int) []int {
		if vt <= vs {
			return []int{s * vt / vs} // onto: consecutive ranks share a word
		}
		if s < vt-vs {
			return []int{s, vs + s} // a compound
		}
		return []int{s}
	}
	var tgt []int
	for i := 0; i < len(src); i++ {
		if i+1 < len(src) && src[i]%4 == 1 && src[i+1]%4 == 0 {
			tgt = append(tgt, words(src[i+1])...)
			tgt = append(tgt, words(src[i])...)
			i++
			continue
		}
		tgt = append(tgt, words(src[i])...)
	}
	return tgt
}

// cover puts every source word into the training sentences (word w into
// sentence w mod len(train), replacing a token, or appended once the
// sentence's tokens are used up), so that both vocabularies are reached
// exactly: the rare ranks then occur about once, as hapaxes do.
func cover(train [][]int, vocab int) {
	n := len(train)
	for w := range vocab {
		s, pos := w%n, w/n
		if pos < len(train[s]) {
			train[s][pos] = w
		} else {
			train[s] = append(train[s], w)
		}
	}
}

// synthWord spells rank r of a side: the side's letter, then r in base 26.
func synthWord(side byte, r int) string {
	b := []byte{side}
	for {
		b = append(b, byte('a'+r%26))
		r /= 26
		if r == 0 {
			return string(b)
		}
	}
}

func (cfg SynthConfig) validate() error {
	switch {
	case cfg.SrcVocab < 1 || cfg.TgtVocab < 1:
		return fmt.Errorf("synthetic corpus: vocabularies %d and %d must be positive", cfg.SrcVocab, cfg.TgtVocab)
	case cfg.TgtVocab > 2*cfg.SrcVocab || 8*cfg.TgtVocab < cfg.SrcVocab:
		return fmt.Errorf("synthetic corpus: target vocabulary %d must lie in [source/8, 2*source] for source %d", cfg.TgtVocab, cfg.SrcVocab)
	case cfg.Train < 1 || cfg.Valid < 0 || cfg.Test < 0:
		return fmt.Errorf("synthetic corpus: bad split sizes %d/%d/%d", cfg.Train, cfg.Valid, cfg.Test)
	case cfg.MinLen < 1 || cfg.MaxLen < cfg.MinLen || !(cfg.MeanLen >= 1):
		return fmt.Errorf("synthetic corpus: bad lengths: mean %v in [%d, %d]", cfg.MeanLen, cfg.MinLen, cfg.MaxLen)
	}
	return nil
}

// GenerateSynth returns the synthetic corpus's training, validation and
// test pairs. The same config gives the same corpus; the training split
// holds exactly SrcVocab source and TgtVocab target word types (when it
// has enough tokens: Train*MinLen >= SrcVocab suffices).
func GenerateSynth(cfg SynthConfig) (train, valid, test []Pair, err error) {
	if err := cfg.validate(); err != nil {
		return nil, nil, nil, err
	}
	g := newSynthGen(cfg)
	draw := func(n int) [][]int {
		out := make([][]int, n)
		for i := range out {
			out[i] = g.sentence()
		}
		return out
	}
	valid0, test0, train0 := draw(cfg.Valid), draw(cfg.Test), draw(cfg.Train)
	cover(train0, cfg.SrcVocab)
	pairs := func(srcs [][]int) []Pair {
		out := make([]Pair, len(srcs))
		for i, s := range srcs {
			out[i] = Pair{Src: spell('s', s), Tgt: spell('t', g.translate(s))}
		}
		return out
	}
	return pairs(train0), pairs(valid0), pairs(test0), nil
}

func spell(side byte, ranks []int) []string {
	out := make([]string, len(ranks))
	for i, r := range ranks {
		out[i] = synthWord(side, r)
	}
	return out
}

// WriteSynth generates the synthetic corpus and writes
// {dir}/{train,valid,test}.{srcExt,tgtExt}, each file atomically.
func WriteSynth(dir, srcExt, tgtExt string, cfg SynthConfig) error {
	train, valid, test, err := GenerateSynth(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("synthetic corpus: %w", err)
	}
	for _, s := range []struct {
		name  string
		pairs []Pair
	}{{"train", train}, {"valid", valid}, {"test", test}} {
		if err := WriteFileAtomic(filepath.Join(dir, s.name+"."+srcExt), []byte(sideText(s.pairs, srcSide))); err != nil {
			return err
		}
		if err := WriteFileAtomic(filepath.Join(dir, s.name+"."+tgtExt), []byte(sideText(s.pairs, tgtSide))); err != nil {
			return err
		}
	}
	return nil
}
