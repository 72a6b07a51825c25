package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/seq2seq/transformer/train/bleu"
)

// scoreHyps scores hypotheses with sacreBLEU's BLEU (13a, cased) and, when
// withChrF, its chrF2.
func scoreHyps(hyps, refs []string, withChrF bool) (bleu.Score, *bleu.ChrFScore, error) {
	b, err := bleu.Corpus(hyps, [][]string{refs}, bleu.Options{Tokenize: "13a"})
	if err != nil || !withChrF {
		return b, nil, err
	}
	c, err := bleu.CorpusChrF(hyps, [][]string{refs}, bleu.ChrFOptions{})
	if err != nil {
		return b, nil, err
	}
	return b, &c, nil
}

// printScores writes BLEU and chrF as `sacrebleu -m bleu chrf` does: a
// JSON list of the two objects, or with -f text one line each.
func printScores(w io.Writer, b bleu.Score, c bleu.ChrFScore, opt evalOptions) error {
	var out string
	if opt.format == "json" {
		js, err := b.JSON(opt.width)
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		out = "[\n" + string(js) + ",\n" + string(c.JSON(opt.width)) + "\n]"
	} else {
		out = b.SignedText(opt.width) + "\n" + c.Name + "|" + c.Signature + " = " + strconv.FormatFloat(c.Score, 'f', opt.width, 64)
	}
	if _, err := fmt.Fprintln(w, out); err != nil {
		return fmt.Errorf("eval: write result: %w", err)
	}
	return nil
}
