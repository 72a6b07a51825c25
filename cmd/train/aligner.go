package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/train"
)

// aligner takes word alignments from a loaded model's cross-attention.
type aligner struct {
	l  *train.Loaded
	tr *train.Translator
}

// cross returns the decoder's cross-attention of one pair forced through
// the model, as [layer][head][target word][source word]: row j is the step
// that predicts target word j (its decoder input is BOS and the words
// before j); the step that predicts EOS is dropped. The source has no BOS
// or EOS, so columns are source words. A pair with an empty side has no
// attention (nil). With a subword tokenizer the model reads pieces (see
// pieceCross) and the words are p's whitespace-separated words.
func (a *aligner) cross(p data.Pair) ([][][][]float64, error) {
	if len(p.Src) == 0 || len(p.Tgt) == 0 {
		return nil, nil
	}
	if !a.l.Tok.Words() {
		return a.pieceCross(p)
	}
	return a.forced(p.Src, p.Tgt)
}

// forced returns the cross-attention of the tokens src and tgt forced
// through the model, cropped to [layer][head][len(tgt)][len(src)].
func (a *aligner) forced(src, tgt []string) ([][][][]float64, error) {
	att, err := a.tr.Attention(a.l.Src.Encode(src), a.l.Tgt.Encode(tgt))
	if err != nil {
		return nil, err
	}
	return align.CropEveryHead(att.Cross, len(tgt), len(src))
}

// pieceCross is cross for a subword checkpoint: each side, its words
// joined by spaces, is cut into pieces by the checkpoint's tokenizer (the
// source as translate reads it: sourcePieces, cut to max_positions), the
// piece-level attention is merged into words with align.MergePieces (a
// source word receives the sum of its pieces' weights, a target word's row
// is the mean of its pieces' rows; a piece starting with ▁ starts a word).
// The merged words must be p's words (fewer source words when the source
// was cut), else links would name the wrong words: an error.
func (a *aligner) pieceCross(p data.Pair) ([][][][]float64, error) {
	maxLen := a.l.Model.Cfg.MaxPositions
	full := sourcePieces(a.l, p.Src, math.MaxInt)
	src := full[:min(len(full), maxLen)]
	tgt := a.l.Tok.Tgt.Encode(strings.Join(p.Tgt, " "))
	if len(tgt) == 0 {
		return nil, nil
	}
	att, err := a.forced(src, tgt)
	if err != nil {
		return nil, err
	}
	if err := align.MergeEveryHead(att, src, tgt); err != nil {
		return nil, err
	}
	srcWords, tgtWords := len(att[0][0][0]), len(att[0][0])
	if tgtWords != len(p.Tgt) || srcWords > len(p.Src) || (srcWords < len(p.Src) && len(src) == len(full)) {
		return nil, fmt.Errorf("the %s pieces make %d source and %d target words, the pair has %d and %d", a.l.Tok.Kind(), srcWords, tgtWords, len(p.Src), len(p.Tgt))
	}
	return att, nil
}

// alignAll aligns every pair with opt's layer, head and threshold.
func (a *aligner) alignAll(pairs []data.Pair, opt alignOptions) ([][]align.Link, error) {
	out := make([][]align.Link, len(pairs))
	err := a.eachCross(pairs, func(i int, att [][][][]float64) error {
		m, err := selectMatrix(att, opt)
		if err != nil {
			return err
		}
		if opt.threshold > 0 {
			out[i] = align.Threshold(m, opt.threshold)
		} else {
			out[i] = align.Argmax(m)
		}
		align.Sort(out[i])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachCross calls f with the index and cross-attention of every pair that
// has some (see cross), stopping at the first error; cross's errors name
// the pair, from 1.
func (a *aligner) eachCross(pairs []data.Pair, f func(i int, att [][][][]float64) error) error {
	for i, p := range pairs {
		att, err := a.cross(p)
		if err != nil {
			return fmt.Errorf("pair %d: %w", i+1, err)
		}
		if att == nil {
			continue
		}
		if err := f(i, att); err != nil {
			return err
		}
	}
	return nil
}

// selectMatrix picks opt's attention matrix of one pair: every layer and
// head averaged, or one layer's head or average.
func selectMatrix(att [][][][]float64, opt alignOptions) ([][]float64, error) {
	if opt.allLayers {
		return align.AverageLayers(att)
	}
	return align.Select(att, opt.layer, opt.head)
}

// report scores every layer and head (argmax links) on pairs against gold.
func (a *aligner) report(pairs []data.Pair, gold [][]align.Link) (*align.Report, error) {
	cfg := a.l.Model.Cfg
	rep := align.NewReport(cfg.DecoderLayers, cfg.Heads)
	err := a.eachCross(pairs, func(i int, att [][][][]float64) error {
		if err := rep.Add(att, gold[i]); err != nil {
			return fmt.Errorf("pair %d: %w", i+1, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// validReport scores every layer and head on the validation split of dir
// (default: the checkpoint's data.dir, where a toy corpus gets its
// alignment files written if they are missing).
func (a *aligner) validReport(dir string) (*align.Report, error) {
	cfg := *a.l.Config
	if dir != "" {
		cfg.Data.Dir = dir
	}
	if err := train.EnsureData(&cfg, io.Discard); err != nil {
		return nil, err
	}
	d := cfg.Data
	pairs, err := data.ReadSplit(d.Dir, "valid", d.Src, d.Tgt)
	if err != nil {
		return nil, err
	}
	goldPath := filepath.Join(d.Dir, "valid.align")
	if _, err := os.Stat(goldPath); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("--best-head and --report need the validation split's gold alignments, and %s does not exist (a raw toy corpus, data.raw, has none: its words are not those of the word-level toy corpus); give --data a directory holding valid.{%s,%s,align}, or align with --gold FILE", goldPath, d.Src, d.Tgt)
	}
	gold, err := readGold(goldPath, pairs)
	if err != nil {
		return nil, fmt.Errorf("validation gold alignments: %w", err)
	}
	return a.report(pairs, gold)
}

// goldReport scores every layer and head on pairs against the gold
// alignments in path.
func (a *aligner) goldReport(path string, pairs []data.Pair) (*align.Report, error) {
	gold, err := readGold(path, pairs)
	if err != nil {
		return nil, err
	}
	return a.report(pairs, gold)
}
