package main

import (
	"fmt"
	"io"
	"path/filepath"

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
// attention (nil).
func (a *aligner) cross(p data.Pair) ([][][][]float64, error) {
	if len(p.Src) == 0 || len(p.Tgt) == 0 {
		return nil, nil
	}
	att, err := a.tr.Attention(a.l.Src.Encode(p.Src), a.l.Tgt.Encode(p.Tgt))
	if err != nil {
		return nil, err
	}
	out := make([][][][]float64, len(att.Cross))
	for l, heads := range att.Cross {
		out[l] = make([][][]float64, len(heads))
		for h, m := range heads {
			if out[l][h], err = align.Crop(m, len(p.Tgt), len(p.Src)); err != nil {
				return nil, fmt.Errorf("layer %d head %d: %w", l, h, err)
			}
		}
	}
	return out, nil
}

// alignAll aligns every pair with opt's layer, head and threshold.
func (a *aligner) alignAll(pairs []data.Pair, opt alignOptions) ([][]align.Link, error) {
	out := make([][]align.Link, len(pairs))
	for i, p := range pairs {
		att, err := a.cross(p)
		if err != nil {
			return nil, fmt.Errorf("pair %d: %w", i+1, err)
		}
		if att == nil {
			continue
		}
		m, err := selectMatrix(att, opt)
		if err != nil {
			return nil, err
		}
		if opt.threshold > 0 {
			out[i] = align.Threshold(m, opt.threshold)
		} else {
			out[i] = align.Argmax(m)
		}
		align.Sort(out[i])
	}
	return out, nil
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
	for i, p := range pairs {
		att, err := a.cross(p)
		if err != nil {
			return nil, fmt.Errorf("pair %d: %w", i+1, err)
		}
		if att == nil {
			continue
		}
		if err := rep.Add(att, gold[i]); err != nil {
			return nil, fmt.Errorf("pair %d: %w", i+1, err)
		}
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
	srcLens, tgtLens := pairLengths(pairs)
	gold, err := align.ReadFile(filepath.Join(d.Dir, "valid.align"), srcLens, tgtLens)
	if err != nil {
		return nil, fmt.Errorf("validation gold alignments: %w", err)
	}
	return a.report(pairs, gold)
}

// goldReport scores every layer and head on pairs against the gold
// alignments in path.
func (a *aligner) goldReport(path string, pairs []data.Pair) (*align.Report, error) {
	srcLens, tgtLens := pairLengths(pairs)
	gold, err := align.ReadFile(path, srcLens, tgtLens)
	if err != nil {
		return nil, err
	}
	return a.report(pairs, gold)
}
