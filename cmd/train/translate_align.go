package main

import (
	"fmt"
	"strings"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/train"
)

// withAlignments wraps a line translator so that each translation gets
// " ||| " and its Pharaoh alignment appended, like Marian's --alignment
// hard: output word j is linked to the source word that the step
// predicting j attends to most, in the translation's own cross-attention
// (the model forced through the source and its output) read at the
// model's default attention (defaultHead: the last layer's heads averaged,
// or the guided head of a model trained with guided alignment). Source
// words past the model's max_positions, which translate cuts, get no link.
// With a subword tokenizer the links are between the words (whitespace-
// separated) of the source line and of the detokenized translation: both
// are cut into pieces again, the translation by the target tokenizer (its
// pieces can differ from the ones the decoder chose), and the pieces'
// attention is merged into words (aligner.pieceCross).
func withAlignments(l *train.Loaded, tr *train.Translator, translate func([][]string) ([]string, error)) func([][]string) ([]string, error) {
	a := &aligner{l: l, tr: tr}
	layer, head, _ := defaultHead(l.Config)
	maxLen := l.Model.Cfg.MaxPositions
	return func(lines [][]string) ([]string, error) {
		hyps, err := translate(lines)
		if err != nil {
			return nil, err
		}
		out := make([]string, len(hyps))
		for i, h := range hyps {
			src := lines[i]
			if l.Tok.Words() {
				src = src[:min(len(src), maxLen)] // a subword source is cut as pieces (aligner.pieceCross)
			}
			p := data.Pair{Src: src, Tgt: strings.Fields(h)}
			links, err := a.links(p, layer, head)
			if err != nil {
				return nil, fmt.Errorf("alignment of %q: %w", h, err)
			}
			out[i] = h + " ||| " + align.FormatLine(links)
		}
		return out, nil
	}
}

// links returns the argmax links of pair p at layer and head (-1: the
// average), sorted; none for an empty side.
func (a *aligner) links(p data.Pair, layer, head int) ([]align.Link, error) {
	att, err := a.cross(p)
	if err != nil || att == nil {
		return nil, err
	}
	m, err := align.Select(att, layer, head)
	if err != nil {
		return nil, err
	}
	links := align.Argmax(m)
	align.Sort(links)
	return links, nil
}
