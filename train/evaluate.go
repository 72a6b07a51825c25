package train

import (
	"fmt"
	"sort"
	"strings"

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
