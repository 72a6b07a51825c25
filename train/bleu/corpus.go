package bleu

import (
	"errors"
	"fmt"
)

// Corpus scores hypotheses against one or more reference streams like
// sacreBLEU's BLEU(...).corpus_score(hyps, refs): refs[i] is the i-th
// reference stream and holds one line per hypothesis. An empty corpus is
// an error, as it is in sacreBLEU.
func Corpus(hyps []string, refs [][]string, opt Options) (Score, error) {
	if len(hyps) == 0 {
		return Score{}, errors.New("bleu: empty corpus: no hypotheses")
	}
	st, err := CorpusStats(hyps, refs, opt)
	if err != nil {
		return Score{}, err
	}
	sc := st.Score()
	sc.Signature = Signature(len(refs), opt)
	return sc, nil
}

// CorpusStats returns the summed statistics of hyps against the reference
// streams refs, for callers that score a corpus in batches: add the
// batches' Stats and call Score on the sum.
func CorpusStats(hyps []string, refs [][]string, opt Options) (Stats, error) {
	if err := checkShapes("bleu", hyps, refs); err != nil {
		return Stats{}, err
	}
	if err := opt.validate(); err != nil {
		return Stats{}, fmt.Errorf("bleu: %w", err)
	}
	var total Stats
	segRefs := make([]string, len(refs))
	for i, hyp := range hyps {
		for j, stream := range refs {
			segRefs[j] = opt.preprocess(stream[i])
		}
		total = total.Add(segmentStats(opt.preprocess(hyp), segRefs))
	}
	return total, nil
}

// checkShapes requires at least one reference stream and one reference
// line per hypothesis in every stream; errors start with metric.
func checkShapes(metric string, hyps []string, refs [][]string) error {
	if len(refs) == 0 {
		return fmt.Errorf("%s: no reference streams", metric)
	}
	for i, stream := range refs {
		if len(stream) != len(hyps) {
			return fmt.Errorf("%s: reference stream refs[%d] has %d lines, but there are %d hypotheses",
				metric, i, len(stream), len(hyps))
		}
	}
	return nil
}
