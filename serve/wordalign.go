package serve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/data"
)

// ErrNoGold means there are no gold alignments to score a model on.
var ErrNoGold = errors.New("no gold alignments")

// wordRows crops a pair's cross-attention [layer][head][target+EOS][source]
// to [layer][head][target word][source word], as train align does: row j
// is the step that predicts target word j (its decoder input is BOS and
// the words before j); the row of the step predicting EOS is dropped.
func wordRows(cross [][][][]float64, tgtLen, srcLen int) ([][][][]float64, error) {
	return align.CropEveryHead(cross, tgtLen, srcLen)
}

// argmaxLinks links each target word of words
// ([layer][head][target word][source word]) to the source word that layer
// `layer` (-1: the last), head `head` (-1: the heads averaged) weighs
// most, as sorted [source, target] pairs.
func argmaxLinks(words [][][][]float64, layer, head int) ([][2]int, error) {
	m, err := align.Select(words, layer, head)
	if err != nil {
		return nil, fmt.Errorf("alignment: %w", err)
	}
	links := align.Argmax(m)
	align.Sort(links)
	out := make([][2]int, len(links))
	for i, l := range links {
		out[i] = [2]int{l.Src, l.Tgt}
	}
	return out, nil
}

// ValidReport scores every decoder layer and head (argmax links, as train
// align --report) against the gold alignments of the first n pairs of the
// validation split in the checkpoint's data directory:
// valid.{src,tgt,align}. Without those files the error wraps ErrNoGold.
// Pairs with an empty side are skipped. The gold links are between the
// whitespace-separated words of the split; a subword model's pieces are
// merged into those words (see pairWords). ctx stops it between pairs.
func (m *ModelBackend) ValidReport(ctx context.Context, n int) (*AlignmentReport, error) {
	d := m.l.Config.Data
	goldPath := filepath.Join(d.Dir, "valid.align")
	for _, path := range []string{filepath.Join(d.Dir, "valid."+d.Src), filepath.Join(d.Dir, "valid."+d.Tgt), goldPath} {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("%w: %s is missing", ErrNoGold, path)
		}
	}
	pairs, err := data.ReadSplit(d.Dir, "valid", d.Src, d.Tgt)
	if err != nil {
		return nil, fmt.Errorf("alignment report: %w", err)
	}
	gold, err := data.ReadAlignSplit(d.Dir, "valid", pairs)
	if err != nil {
		return nil, fmt.Errorf("alignment report: %w", err)
	}
	cfg := m.l.Model.Cfg
	rep := align.NewReport(cfg.DecoderLayers, cfg.Heads)
	scored := 0
	for i, p := range pairs[:min(n, len(pairs))] {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(p.Src) == 0 || len(p.Tgt) == 0 {
			continue
		}
		words, err := m.pairWords(p)
		if err == nil {
			err = rep.Add(words, gold[i])
		}
		if err != nil {
			return nil, fmt.Errorf("alignment report: valid pair %d: %w", i+1, err)
		}
		scored++
	}
	return NewAlignmentReport(rep, "valid", scored), nil
}

// pairWords returns the cross-attention of a validation pair between its
// words, [layer][head][target word][source word]: for the words tokenizer
// the tokens are the words; otherwise each side, joined by spaces, is cut
// by the checkpoint's tokenizer, and the pieces' attention is merged into
// words (pieceWords), which must give the pair's word counts.
func (m *ModelBackend) pairWords(p data.Pair) ([][][][]float64, error) {
	src, tgt := p.Src, p.Tgt
	if !m.tok.Words() {
		src, tgt = m.tok.Src.Encode(strings.Join(p.Src, " ")), m.tok.Tgt.Encode(strings.Join(p.Tgt, " "))
	}
	a, err := m.attention(m.l.Src.Encode(src), m.l.Tgt.Encode(tgt))
	if err != nil {
		return nil, err
	}
	words, err := m.crossWords(a.Cross, src, tgt)
	if err != nil || m.tok.Words() {
		return words, err
	}
	if m := words[0][0]; len(m) != len(p.Tgt) || len(m[0]) != len(p.Src) {
		return nil, fmt.Errorf("the pieces of %d target and %d source words do not make as many words", len(p.Tgt), len(p.Src))
	}
	return words, nil
}

// crossWords returns the cross-attention of a pair of src and tgt tokens
// between its words, [layer][head][target word][source word]: cropped to
// the tokens for the words tokenizer (wordRows), the pieces merged into
// words otherwise (pieceWords).
func (m *ModelBackend) crossWords(cross [][][][]float64, src, tgt []string) ([][][][]float64, error) {
	if m.tok.Words() {
		return wordRows(cross, len(tgt), len(src))
	}
	return pieceWords(cross, src, tgt)
}
