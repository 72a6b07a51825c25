package bleu

import "math"

// logFloor stands in for log(0), as in sacreBLEU's my_log.
const logFloor = -9999999999

// Score is a corpus BLEU score with the details sacreBLEU reports.
type Score struct {
	// Score is BLEU in [0, 100].
	Score float64
	// Precisions are the (smoothed) n-gram precisions in percent.
	Precisions [maxOrder]float64
	// BP is the brevity penalty and Ratio is HypLen / RefLen (0 when
	// RefLen is 0).
	BP, Ratio float64
	// HypLen and RefLen are the hypothesis and closest reference lengths
	// in tokens.
	HypLen, RefLen int
	// Signature is the reproducibility signature, empty for a Score
	// computed directly from Stats.
	Signature string
}

// Score computes BLEU from the statistics like sacreBLEU's
// BLEU.compute_bleu with smooth_method "exp": an order with no match gets
// precision 100 / (2^k * total), where k counts the zero-match orders so
// far; the score is 0 when nothing matches at all or when an order has
// no hypothesis n-grams. Signature is left empty.
func (s Stats) Score() Score {
	sc := Score{
		BP:     brevityPenalty(s.HypLen, s.RefLen),
		HypLen: s.HypLen,
		RefLen: s.RefLen,
	}
	if s.RefLen != 0 {
		sc.Ratio = float64(s.HypLen) / float64(s.RefLen)
	}
	if !s.anyCorrect() {
		return sc
	}
	sc.Precisions = s.precisions()
	logSum := 0.0
	for _, p := range sc.Precisions {
		logSum += floorLog(p)
	}
	sc.Score = sc.BP * math.Exp(logSum/maxOrder)
	return sc
}

// anyCorrect reports whether any n-gram matched.
func (s Stats) anyCorrect() bool {
	for _, c := range s.Correct {
		if c != 0 {
			return true
		}
	}
	return false
}

// precisions returns the exp-smoothed precisions in percent; orders from
// the first one without hypothesis n-grams on stay 0.
func (s Stats) precisions() [maxOrder]float64 {
	var p [maxOrder]float64
	smooth := 1.0
	for n := range p {
		if s.Total[n] == 0 {
			break
		}
		if s.Correct[n] == 0 {
			smooth *= 2
			p[n] = 100 / (smooth * float64(s.Total[n]))
			continue
		}
		p[n] = 100 * float64(s.Correct[n]) / float64(s.Total[n])
	}
	return p
}

// brevityPenalty is exp(1 - ref/hyp) for a hypothesis shorter than the
// reference, 0 for an empty hypothesis and 1 otherwise.
func brevityPenalty(hypLen, refLen int) float64 {
	switch {
	case hypLen >= refLen:
		return 1
	case hypLen == 0:
		return 0
	}
	return math.Exp(1 - float64(refLen)/float64(hypLen))
}

// floorLog is the natural logarithm with log(0) replaced by logFloor.
func floorLog(x float64) float64 {
	if x == 0 {
		return logFloor
	}
	return math.Log(x)
}
