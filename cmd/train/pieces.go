package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/data/tokenize"
	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/heatmap"
)

// sourcePieces returns the tokens the model reads for a source line given
// as its whitespace-separated fields, cut to maxLen: the fields themselves
// for the words tokenizer, else the pieces of the checkpoint's tokenizer
// for the fields joined by single spaces (the tokenizers collapse runs of
// spaces anyway, so this is the encoding of the raw line). A line whose
// characters the normalisation all removes (zero-width ones) reads as
// <unk>.
func sourcePieces(l *train.Loaded, fields []string, maxLen int) []string {
	toks := fields
	if !l.Tok.Words() {
		toks = l.Tok.EncodeSource(strings.Join(fields, " "))
	}
	if len(toks) == 0 { // only characters the normalisation removes
		return []string{data.Unk}
	}
	return toks[:min(len(toks), maxLen)]
}

// mergeMap merges the subword pieces of an attention map into words
// (align.MergePieces: a source word receives the sum of its pieces'
// weights, a target word's row is the mean of its pieces' rows) and labels
// each word with its detokenized text. A piece starting with ▁ starts a
// word; in a cross-attention map (cross) the rows are target pieces and
// the final <eos> row stays a row of its own. The words tokenizer has no
// pieces to merge: an error.
func mergeMap(l *train.Loaded, m heatmap.Map, cross bool) (heatmap.Map, error) {
	if l.Tok.Words() {
		return heatmap.Map{}, errors.New("--merge-pieces: the checkpoint's tokenizer is words, which has no subword pieces to merge")
	}
	rowTok := l.Tok.Src
	if cross {
		rowTok = l.Tok.Tgt
	}
	rowStarts := align.WordStarts(m.Rows)
	if cross && len(rowStarts) > 0 {
		rowStarts[len(rowStarts)-1] = true // <eos>
	}
	colStarts := align.WordStarts(m.Cols)
	values, err := align.MergePieces(m.Values, colStarts, rowStarts)
	if err != nil {
		return heatmap.Map{}, fmt.Errorf("--merge-pieces: %w", err)
	}
	rows := wordLabels(m.Rows, rowTok, cross)
	cols := wordLabels(m.Cols, l.Tok.Src, false)
	return heatmap.Map{Title: m.Title + ", pieces merged into words", Rows: rows, Cols: cols, Values: values}, nil
}

// wordLabels returns the detokenized text of each word of pieces (see
// align.WordTexts); with eos the last piece is <eos> and kept as is.
func wordLabels(pieces []string, t tokenize.Tokenizer, eos bool) []string {
	if !eos || len(pieces) == 0 {
		return align.WordTexts(pieces, t.Decode)
	}
	n := len(pieces) - 1
	return append(align.WordTexts(pieces[:n], t.Decode), pieces[n])
}
