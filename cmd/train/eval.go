package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/bleu"
)

// evalOptions is the parsed command line of eval.
type evalOptions struct {
	config, checkpoint, split, format string
	beam, width                       int // beam 0: the config's decode.beam
	sets                              setFlags
}

// evalCmd scores a checkpoint on a split of the config's corpus:
//
//	train eval --config FILE [--checkpoint PATH] [--split test|valid] [--beam K] [-w N] [-f json|text]
//
// The checkpoint defaults to the config's run directory (its best, else
// latest, checkpoint); the beam width to the config's decode.beam (1 =
// greedy). BLEU is printed as `train bleu` prints it: sacreBLEU's JSON, or
// with -f text its one-line form.
func evalCmd(args []string, stdout, stderr io.Writer) error {
	opt, help, err := parseEval(args, stderr)
	if help || err != nil {
		return err
	}
	cfg, err := loadConfig(opt.config, opt.sets)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if opt.checkpoint == "" {
		opt.checkpoint = cfg.RunDir()
	}
	if opt.beam == 0 {
		opt.beam = cfg.Decode.Beam
	}
	score, chrf, err := evaluate(cfg, opt, stderr)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if chrf != nil {
		return printScores(stdout, score, *chrf, opt)
	}
	return printScore(stdout, score, opt)
}

// parseEval parses and checks eval's flags.
func parseEval(args []string, stderr io.Writer) (opt evalOptions, help bool, err error) {
	fs := newFlags("eval", stderr)
	fs.StringVar(&opt.config, "config", "", "YAML config file (required)")
	fs.StringVar(&opt.checkpoint, "checkpoint", "", "checkpoint step or run directory (default: the config's run directory)")
	fs.StringVar(&opt.split, "split", "test", "corpus split to score: test or valid")
	beam := beamFlag(fs, "the config")
	fs.IntVar(&opt.width, "w", 1, "decimals of the score")
	fs.StringVar(&opt.format, "f", "json", "output format: json or text")
	sets := addSetFlag(fs)
	if help, err = parseLoud(fs, args); help || err != nil {
		return opt, help, err
	}
	opt.beam, opt.sets = *beam, *sets
	beamErr := checkBeamFlag("eval", fs, opt.beam)
	switch {
	case opt.config == "":
		err = errors.New("eval: --config is required")
	case opt.split != "test" && opt.split != "valid":
		err = fmt.Errorf("eval: --split %q: want test or valid", opt.split)
	case opt.format != "json" && opt.format != "text":
		err = fmt.Errorf("eval: -f %q: want json or text", opt.format)
	case beamErr != nil:
		err = beamErr
	case opt.width < 0:
		err = fmt.Errorf("eval: -w %d must not be negative", opt.width)
	}
	return opt, false, err
}

// evaluate decodes the split with the checkpoint and scores it against the
// split's references; the config's data, bucket, batch size and decode
// settings apply. With a tokenizer other than words the hypotheses are
// detokenized and scored against the raw reference lines, and chrF2 is
// returned too (nil for words).
func evaluate(cfg *train.Config, opt evalOptions, log io.Writer) (bleu.Score, *bleu.ChrFScore, error) {
	l, err := loadModel(opt.checkpoint)
	if err != nil {
		return bleu.Score{}, nil, err
	}
	if l.Config.Model != cfg.Model {
		fmt.Fprintf(log, "warning: the model section of %s differs from the one %s was trained with\n", opt.config, opt.checkpoint)
	}
	if err := checkBeam("eval", opt.beam, l.Tgt.Size()); err != nil {
		return bleu.Score{}, nil, err
	}
	srcs, refs, err := splitData(cfg, l, opt.split, log)
	if err != nil {
		return bleu.Score{}, nil, err
	}
	fmt.Fprintf(log, "eval: checkpoint %s (step %d), %s split, %d sentences, beam %d\n", l.Path, l.Step, opt.split, len(srcs), opt.beam)
	d := cfg.Decode
	tr := train.NewTranslator(l.Model, l.Params, cfg.Data.Bucket, d.MaxLenA, d.MaxLenB)
	hyps, err := train.DecodeText(tr, l.Tgt, l.Tok, srcs, cfg.Train.BatchSize, opt.beam, d.Penalty())
	if err != nil {
		return bleu.Score{}, nil, err
	}
	return scoreHyps(hyps, refs, !l.Tok.Words())
}

// splitData returns the source ids, encoded with the checkpoint's
// vocabulary, and the reference lines of a split of the config's corpus.
func splitData(cfg *train.Config, l *train.Loaded, split string, log io.Writer) ([][]int, []string, error) {
	if err := train.EnsureData(cfg, log); err != nil {
		return nil, nil, err
	}
	c, err := train.LoadCorpusWith(cfg, l.Tok, l.Src, l.Tgt, io.Discard)
	if err != nil {
		return nil, nil, err
	}
	srcs, refs := c.TestSrc, c.TestRefs
	if split == "valid" {
		srcs, refs = c.ValidSrc, c.ValidRefs
	}
	if len(srcs) == 0 {
		return nil, nil, fmt.Errorf("the %s split of %s is empty", split, cfg.Data.Dir)
	}
	return srcs, refs, nil
}

// printScore writes the score as `train bleu` does.
func printScore(w io.Writer, s bleu.Score, opt evalOptions) error {
	out := s.SignedText(opt.width)
	if opt.format == "json" {
		js, err := s.JSON(opt.width)
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		out = string(js)
	}
	if _, err := fmt.Fprintln(w, out); err != nil {
		return fmt.Errorf("eval: write result: %w", err)
	}
	return nil
}
