package bleu

// Stats holds BLEU's sufficient statistics, summed over segments:
// Correct[n-1] and Total[n-1] are the clipped matching and the total
// hypothesis n-grams of order n, HypLen the hypothesis tokens and RefLen
// the closest reference tokens.
type Stats struct {
	Correct, Total [maxOrder]int
	HypLen, RefLen int
}

// Add returns the sum of s and o.
func (s Stats) Add(o Stats) Stats {
	for n := range s.Correct {
		s.Correct[n] += o.Correct[n]
		s.Total[n] += o.Total[n]
	}
	s.HypLen += o.HypLen
	s.RefLen += o.RefLen
	return s
}

// segmentStats computes the statistics of one preprocessed hypothesis
// against its preprocessed references.
func segmentStats(hyp string, refs []string) Stats {
	refNgrams := ngramCounts{}
	refLens := make([]int, len(refs))
	for i, ref := range refs {
		counts, n := extractNgrams(ref)
		refNgrams.mergeMax(counts)
		refLens[i] = n
	}
	hypNgrams, hypLen := extractNgrams(hyp)
	st := Stats{HypLen: hypLen, RefLen: closestRefLen(hypLen, refLens)}
	for g, c := range hypNgrams {
		n := ngramOrder(g) - 1
		st.Total[n] += c
		st.Correct[n] += min(c, refNgrams[g])
	}
	return st
}

// closestRefLen returns the reference length closest to hypLen,
// preferring the shorter one on ties, or -1 without references.
func closestRefLen(hypLen int, refLens []int) int {
	bestDiff, best := -1, -1
	for _, l := range refLens {
		diff := abs(hypLen - l)
		if bestDiff == -1 || diff < bestDiff || (diff == bestDiff && l < best) {
			bestDiff, best = diff, l
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
