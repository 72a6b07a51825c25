package train

import (
	"fmt"
	"sort"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/train/bleu"
)

// validLoss is the mean label-smoothed loss per non-pad target token over
// pairs, computed without dropout. Each graph's values are released as soon
// as its loss is read: the cached graphs keep no activations, and their op
// outputs come from the cache's pool, so validation needs one forward
// pass's worth of memory whatever the number of batch shapes. The batches
// run largest first, so that the pool grows once, on the first, instead of
// at nearly every batch of the length-sorted order; the losses are summed
// in that order all the same.
func validLoss(gs *graphCache, pairs []data.Encoded, batchSize, bucket int) (float64, error) {
	batches := data.EvalBatches(pairs, batchSize, bucket)
	losses := make([]float64, len(batches))
	for _, i := range largestFirst(batches) {
		b := batches[i]
		g, err := gs.get(shapeKey{B: b.B, S: b.S, T: b.T})
		if err != nil {
			return 0, err
		}
		loss, err := g.execute(b.Src, b.TgtIn, b.TgtOut)
		if err != nil {
			return 0, fmt.Errorf("validation loss: %w", err)
		}
		if err := g.release(); err != nil {
			return 0, fmt.Errorf("validation loss: %w", err)
		}
		losses[i] = loss
	}
	var total float64
	var tokens int
	for i, b := range batches {
		total += losses[i] * float64(b.TgtTokens)
		tokens += b.TgtTokens
	}
	if tokens == 0 {
		return 0, nil
	}
	return total / float64(tokens), nil
}

// largestFirst returns the indices of batches ordered by decreasing number
// of positions B·(S+T), ties in order.
func largestFirst(batches []data.Batch) []int {
	order := make([]int, len(batches))
	for i := range order {
		order[i] = i
	}
	size := func(b data.Batch) int { return b.B * (b.S + b.T) }
	sort.SliceStable(order, func(a, b int) bool { return size(batches[order[a]]) > size(batches[order[b]]) })
	return order
}

// corpusBLEU scores hypotheses against one reference stream with the
// sacreBLEU-compatible scorer (13a tokenisation, exp smoothing).
func corpusBLEU(hyps, refs []string) (bleu.Score, error) {
	return bleu.Corpus(hyps, [][]string{refs}, bleu.Options{Tokenize: "13a"})
}
