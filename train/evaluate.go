package train

import (
	"fmt"
	"sort"
	"strings"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/train/bleu"
)

// validLoss is the mean label-smoothed loss per non-pad target token over
// pairs, computed without dropout.
func validLoss(gs *lossGraphs, pairs []data.Encoded, batchSize, bucket int) (float64, error) {
	var total float64
	var tokens int
	for _, b := range data.EvalBatches(pairs, batchSize, bucket) {
		g, err := gs.get(shapeKey{B: b.B, S: b.S, T: b.T})
		if err != nil {
			return 0, err
		}
		loss, err := g.run(b.Src, b.TgtIn, b.TgtOut)
		if err != nil {
			return 0, fmt.Errorf("validation loss: %w", err)
		}
		total += loss * float64(b.TgtTokens)
		tokens += b.TgtTokens
	}
	if tokens == 0 {
		return 0, nil
	}
	return total / float64(tokens), nil
}

// Decode translates srcs in batches of batchSize with beam width beam (1 =
// greedy) and returns the hypotheses as space-joined target tokens, in the
// order of srcs. Sentences are batched by length, so that a batch encodes
// with little padding and its sentences finish at similar steps.
func Decode(tr *Translator, tgt *data.Vocab, srcs [][]int, batchSize, beam int, alpha float64) ([]string, error) {
	order := make([]int, len(srcs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(srcs[order[a]]) < len(srcs[order[b]]) })
	out := make([]string, len(srcs))
	for start := 0; start < len(order); start += batchSize {
		idx := order[start:min(start+batchSize, len(order))]
		chunk := make([][]int, len(idx))
		for i, j := range idx {
			chunk[i] = srcs[j]
		}
		var ids [][]int
		var err error
		if beam <= 1 {
			ids, err = tr.Greedy(chunk)
		} else {
			ids, err = tr.Beam(chunk, beam, alpha)
		}
		if err != nil {
			return nil, fmt.Errorf("decode sentences %d-%d (by length): %w", start+1, start+len(chunk), err)
		}
		for i, h := range ids {
			out[idx[i]] = strings.Join(tgt.Decode(h), " ")
		}
	}
	return out, nil
}

// corpusBLEU scores hypotheses against one reference stream with the
// sacreBLEU-compatible scorer (13a tokenisation, exp smoothing).
func corpusBLEU(hyps, refs []string) (bleu.Score, error) {
	return bleu.Corpus(hyps, [][]string{refs}, bleu.Options{Tokenize: "13a"})
}
