package bleu

import (
	"errors"
	"fmt"
	"strings"
)

// ChrFOptions selects a chrF variant. The zero value is sacreBLEU's
// default chrF2: character n-grams up to 6, no word n-grams, beta 2,
// case-sensitive, whitespace removed before extracting n-grams.
type ChrFOptions struct {
	// CharOrder is the highest character n-gram order; 0 means 6.
	CharOrder int
	// WordOrder is the highest word n-gram order; 2 gives chrF++.
	WordOrder int
	// Beta weighs recall over precision; 0 means 2.
	Beta int
	// Lowercase makes matching case-insensitive (--chrf-lowercase).
	Lowercase bool
	// Whitespace keeps whitespace inside character n-grams (--chrf-whitespace).
	Whitespace bool
}

// withDefaults fills in the zero-valued orders and beta.
func (o ChrFOptions) withDefaults() ChrFOptions {
	if o.CharOrder == 0 {
		o.CharOrder = 6
	}
	if o.Beta == 0 {
		o.Beta = 2
	}
	return o
}

// validate rejects negative orders or beta.
func (o ChrFOptions) validate() error {
	if o.CharOrder < 0 || o.WordOrder < 0 || o.Beta < 0 {
		return fmt.Errorf("chrf: negative option in %+v", o)
	}
	return nil
}

// order is the number of n-gram orders scored.
func (o ChrFOptions) order() int { return o.CharOrder + o.WordOrder }

// ChrFScore is a chrF score with the name and signature sacreBLEU prints.
type ChrFScore struct {
	// Score is chrF in [0, 100].
	Score float64
	// Name is "chrF" + beta + one "+" per word order, e.g. "chrF2".
	Name string
	// Signature is the reproducibility signature.
	Signature string
}

// ChrFStats are summed match statistics: for each order, characters
// first, then words, the hypothesis n-gram count, the reference n-gram
// count and the matched count.
type ChrFStats []int

// Add returns the element-wise sum of s and o; a nil s takes o's length.
func (s ChrFStats) Add(o ChrFStats) ChrFStats {
	if s == nil {
		return append(ChrFStats(nil), o...)
	}
	out := append(ChrFStats(nil), s...)
	for i := range o {
		out[i] += o[i]
	}
	return out
}

// Score computes chrF from the statistics like sacreBLEU's
// CHRF._compute_f_score without eps smoothing: precision and recall are
// averaged over the orders that have both hypothesis and reference
// n-grams, then combined into an F-beta score in [0, 100].
func (s ChrFStats) Score(opt ChrFOptions) float64 {
	opt = opt.withDefaults()
	factor := float64(opt.Beta * opt.Beta)
	var avgPrec, avgRec float64
	effective := 0
	for i := 0; i+2 < len(s); i += 3 {
		nHyp, nRef, nMatch := s[i], s[i+1], s[i+2]
		if nHyp > 0 && nRef > 0 {
			avgPrec += float64(nMatch) / float64(nHyp)
			avgRec += float64(nMatch) / float64(nRef)
			effective++
		}
	}
	if effective == 0 {
		return 0
	}
	avgPrec /= float64(effective)
	avgRec /= float64(effective)
	if avgPrec+avgRec == 0 {
		return 0
	}
	score := (1 + factor) * avgPrec * avgRec
	score /= factor*avgPrec + avgRec
	return 100 * score
}

// SentenceChrF scores one hypothesis against its references like
// sacreBLEU's CHRF(...).sentence_score.
func SentenceChrF(hyp string, refs []string, opt ChrFOptions) (ChrFScore, error) {
	streams := make([][]string, len(refs))
	for i, r := range refs {
		streams[i] = []string{r}
	}
	return CorpusChrF([]string{hyp}, streams, opt)
}

// CorpusChrF scores hypotheses against reference streams like sacreBLEU's
// CHRF(...).corpus_score: each segment's statistics against its best
// reference (highest sentence chrF, the first on ties) are summed over
// the corpus and scored once.
func CorpusChrF(hyps []string, refs [][]string, opt ChrFOptions) (ChrFScore, error) {
	if len(hyps) == 0 {
		return ChrFScore{}, errors.New("chrf: empty corpus: no hypotheses")
	}
	st, err := CorpusChrFStats(hyps, refs, opt)
	if err != nil {
		return ChrFScore{}, err
	}
	return ChrFScore{Score: st.Score(opt), Name: chrfName(opt), Signature: ChrFSignature(len(refs), opt)}, nil
}

// CorpusChrFStats returns the summed statistics of hyps against refs, for
// callers that score a corpus in batches: add the batches' ChrFStats and
// call Score on the sum.
func CorpusChrFStats(hyps []string, refs [][]string, opt ChrFOptions) (ChrFStats, error) {
	if err := checkShapes("chrf", hyps, refs); err != nil {
		return nil, err
	}
	if err := opt.validate(); err != nil {
		return nil, err
	}
	opt = opt.withDefaults()
	total := make(ChrFStats, 3*opt.order())
	refNgrams := make([][]chrfCounts, len(refs))
	for i, hyp := range hyps {
		for j, stream := range refs {
			refNgrams[j] = chrfNgrams(opt.preprocess(stream[i]), opt)
		}
		total = total.Add(bestChrFStats(chrfNgrams(opt.preprocess(hyp), opt), refNgrams, opt))
	}
	return total, nil
}

// preprocess lowercases a segment when asked, like CHRF._preprocess_segment.
func (o ChrFOptions) preprocess(s string) string {
	if o.Lowercase {
		return pyLower(s)
	}
	return s
}

// bestChrFStats returns the statistics of hyp against the reference with
// the highest chrF, the first one on ties.
func bestChrFStats(hyp []chrfCounts, refs [][]chrfCounts, opt ChrFOptions) ChrFStats {
	var best ChrFStats
	bestF := -1.0
	for _, ref := range refs {
		st := make(ChrFStats, 0, 3*len(hyp))
		for n := range hyp {
			st = append(st, matchStats(hyp[n], ref[n])...)
		}
		if f := st.Score(opt); f > bestF {
			best, bestF = st, f
		}
	}
	return best
}

// matchStats returns the hypothesis, reference and matched n-gram counts
// of one order; the hypothesis count is 0 when the reference has none.
func matchStats(hyp, ref chrfCounts) []int {
	nHyp, nRef, nMatch := 0, 0, 0
	for g, c := range hyp {
		nHyp += c
		nMatch += min(c, ref[g])
	}
	for _, c := range ref {
		nRef += c
	}
	if len(ref) == 0 {
		nHyp = 0
	}
	return []int{nHyp, nRef, nMatch}
}

// chrfName is sacreBLEU's metric name: "chrF2", "chrF2++".
func chrfName(opt ChrFOptions) string {
	opt = opt.withDefaults()
	return fmt.Sprintf("chrF%d", opt.Beta) + strings.Repeat("+", opt.WordOrder)
}
