package serve

import "github.com/seq2seq/transformer/align"

// pieceWords crops a pair's piece-level cross-attention
// [layer][head][target piece+EOS][source piece] to its target pieces and
// merges the pieces into words with align.MergePieces (a source word
// receives the sum of its pieces' weights, a target word's row is the mean
// of its pieces' rows; a piece starting with ▁ starts a word), giving
// [layer][head][target word][source word], the shape wordRows gives for
// the words tokenizer.
func pieceWords(cross [][][][]float64, src, tgt []string) ([][][][]float64, error) {
	rows, err := wordRows(cross, len(tgt), len(src))
	if err != nil {
		return nil, err
	}
	if err := align.MergeEveryHead(rows, src, tgt); err != nil {
		return nil, err
	}
	return rows, nil
}
