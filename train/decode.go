package train

import (
	"fmt"
	"sort"

	"github.com/seq2seq/transformer/data"
)

// Decode translates srcs in batches of batchSize with beam width beam (1 =
// greedy; lp ranks beam search's finished hypotheses) and returns the hypotheses as space-joined target tokens, in the
// order of srcs. Sentences are batched by length, so that a batch encodes
// with little padding and its sentences finish at similar steps.
func Decode(tr *Translator, tgt *data.Vocab, srcs [][]int, batchSize, beam int, lp LengthPenalty) ([]string, error) {
	return DecodeText(tr, tgt, WordTokenizers(), srcs, batchSize, beam, lp)
}

// DecodeText is Decode with the hypotheses joined into text by toks'
// Detokenize: space-joined tokens for words, raw text for the others.
func DecodeText(tr *Translator, tgt *data.Vocab, toks Tokenizers, srcs [][]int, batchSize, beam int, lp LengthPenalty) ([]string, error) {
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
			ids, err = tr.Beam(chunk, beam, lp)
		}
		if err != nil {
			return nil, fmt.Errorf("decode sentences %d-%d (by length): %w", start+1, start+len(chunk), err)
		}
		for i, h := range ids {
			out[idx[i]] = toks.Detokenize(tgt.Decode(h))
		}
	}
	return out, nil
}
