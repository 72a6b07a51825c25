package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/data"
)

// alignOptions is the parsed command line of align.
type alignOptions struct {
	checkpoint, src, tgt, gold, dataDir  string
	layer, head                          int // -1: the last layer; -1: the average of the heads
	average, allLayers, bestHead, report bool
	threshold                            float64 // 0: argmax
	choseHead                            bool    // a flag named the attention (else the model's default, align_guided.go)
}

// alignCmd writes word alignments taken from a model's cross-attention:
//
//	train align --checkpoint PATH [--src F --tgt F] [--layer L] [--head H|--average|--best-head|--all-layers] [--threshold X] [--gold FILE] < "SRC ||| TGT" lines
//	train align --checkpoint PATH --report
//
// Each target sentence is forced through the decoder (teacher forcing) and
// target word j is linked to the source word that the step predicting it
// attends to most (or to every source word of weight at least
// --threshold). Alignments go to stdout in Pharaoh format, one line a pair;
// --gold FILE also prints AER, precision and recall to stderr. --best-head
// picks the single head of lowest AER on the validation split's gold
// alignments ({data.dir}/valid.align of the checkpoint's config, or
// --data); --report prints the AER of every layer and head there instead
// of aligning, or, with --gold, on the input pairs. A model trained with
// guided alignment is read at its guided layer and head unless the flags
// choose.
func alignCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	opt, help, err := parseAlign(args, stdout)
	if help || err != nil {
		return err
	}
	l, err := loadModel(opt.checkpoint)
	if err != nil {
		return fmt.Errorf("align: %w", err)
	}
	useGuidedHead(&opt, l.Config, stderr)
	a := &aligner{l: l, tr: l.Translator()}
	if opt.report && opt.gold == "" {
		rep, err := a.validReport(opt.dataDir)
		if err != nil {
			return fmt.Errorf("align: %w", err)
		}
		return writeReport(stdout, rep)
	}
	if opt.bestHead {
		rep, err := a.validReport(opt.dataDir)
		if err != nil {
			return fmt.Errorf("align: %w", err)
		}
		layer, head, c := rep.BestHead()
		fmt.Fprintf(stderr, "align: best head on valid: %s, AER %.2f%%\n", headName(layer, head), 100*c.AER())
		opt.layer, opt.head = layer, head
	}
	pairs, err := readAlignInput(opt, stdin)
	if err != nil {
		return fmt.Errorf("align: %w", err)
	}
	if opt.report {
		rep, err := a.goldReport(opt.gold, pairs)
		if err != nil {
			return fmt.Errorf("align: %w", err)
		}
		return writeReport(stdout, rep)
	}
	pred, err := a.alignAll(pairs, opt)
	if err != nil {
		return fmt.Errorf("align: %w", err)
	}
	if err := align.Format(stdout, pred); err != nil {
		return err
	}
	if opt.gold == "" {
		return nil
	}
	c, err := scoreGold(opt.gold, pairs, pred)
	if err != nil {
		return fmt.Errorf("align: %w", err)
	}
	_, err = fmt.Fprintf(stderr, "AER %.2f%% precision %.2f%% recall %.2f%% (%d links predicted, %d sure gold)\n", 100*c.AER(), 100*c.Precision(), 100*c.Recall(), c.A, c.S)
	return err
}

// writeReport prints the per-layer, per-head AER table and the best head
// and layer average.
func writeReport(w io.Writer, rep *align.Report) error {
	if err := rep.Write(w); err != nil {
		return err
	}
	layer, head, c := rep.BestHead()
	avg, ca := rep.BestAverage()
	_, err := fmt.Fprintf(w, "best head: %s, AER %.2f%% (precision %.2f%%, recall %.2f%%)\nbest average: layer %d, AER %.2f%% (precision %.2f%%, recall %.2f%%)\n",
		headName(layer, head), 100*c.AER(), 100*c.Precision(), 100*c.Recall(), avg, 100*ca.AER(), 100*ca.Precision(), 100*ca.Recall())
	return err
}

// parseAlign parses and checks align's flags.
func parseAlign(args []string, stdout io.Writer) (opt alignOptions, help bool, err error) {
	var usage bytes.Buffer
	fs := newFlags("align", &usage)
	fs.StringVar(&opt.checkpoint, "checkpoint", "", "checkpoint step or run directory (required)")
	fs.StringVar(&opt.src, "src", "", "source sentences, one a line (with --tgt; default: \"source ||| target\" lines on stdin)")
	fs.StringVar(&opt.tgt, "tgt", "", "target sentences, line-aligned with --src")
	fs.StringVar(&opt.gold, "gold", "", "gold Pharaoh alignments of the input: print AER, precision and recall to stderr")
	fs.StringVar(&opt.dataDir, "data", "", "corpus directory holding valid.{src,tgt,align} (default: the checkpoint's data.dir)")
	fs.IntVar(&opt.layer, "layer", -1, "decoder layer, from 0 (default: the last)")
	fs.IntVar(&opt.head, "head", -1, "head, from 0 (default: the average of the layer's heads, or the guided head of a model trained with guided alignment)")
	fs.BoolVar(&opt.average, "average", false, "average the layer's heads (the default)")
	fs.BoolVar(&opt.allLayers, "all-layers", false, "average every head of every layer")
	fs.BoolVar(&opt.bestHead, "best-head", false, "use the layer and head of lowest AER on the validation split")
	fs.BoolVar(&opt.report, "report", false, "print a table of AER per layer and head on the validation split (with --gold: on the input)")
	fs.Float64Var(&opt.threshold, "threshold", 0, "link every source word of attention at least this (default: the argmax)")
	if help, err = parseQuiet(fs, &usage, args, stdout); help || err != nil {
		return opt, help, err
	}
	opt.choseHead = choseHead(fs)
	return opt, false, checkAlign(fs, opt)
}

// checkAlign rejects missing and conflicting flags.
func checkAlign(fs *flag.FlagSet, opt alignOptions) error {
	set := givenFlags(fs)
	switch {
	case opt.checkpoint == "":
		return errors.New("align: --checkpoint is required")
	case (opt.src == "") != (opt.tgt == ""):
		return errors.New("align: --src and --tgt go together")
	case opt.average && opt.head >= 0:
		return errors.New("align: --head and --average exclude each other")
	case opt.bestHead && (set["layer"] || set["head"] || opt.average):
		return errors.New("align: --best-head chooses the layer and head: drop --layer, --head and --average")
	case opt.allLayers && (set["layer"] || set["head"] || opt.average || opt.bestHead):
		return errors.New("align: --all-layers averages every layer and head: drop --layer, --head, --average and --best-head")
	case opt.report && opt.bestHead:
		return errors.New("align: --report and --best-head exclude each other")
	case opt.report && opt.src != "" && opt.gold == "":
		return errors.New("align: --report on --src and --tgt needs their --gold alignments")
	case opt.layer < -1:
		return fmt.Errorf("align: --layer %d out of range: layers count from 0", opt.layer)
	case opt.head < -1:
		return fmt.Errorf("align: --head %d out of range: heads count from 0", opt.head)
	case opt.threshold < 0 || opt.threshold > 1:
		return fmt.Errorf("align: --threshold %v outside [0, 1]", opt.threshold)
	}
	return nil
}

// headName names a layer and head for messages (head -1: the average).
func headName(layer, head int) string {
	if head == -1 {
		return fmt.Sprintf("layer %d, average of heads", layer)
	}
	return fmt.Sprintf("layer %d, head %d", layer, head)
}

// readAlignInput reads the sentence pairs to align: --src and --tgt files,
// or "source ||| target" lines from stdin (fast_align's input format).
func readAlignInput(opt alignOptions, stdin io.Reader) ([]data.Pair, error) {
	if opt.src != "" {
		return data.ReadParallel(opt.src, opt.tgt)
	}
	var pairs []data.Pair
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 1<<16), 1<<26)
	for n := 1; sc.Scan(); n++ {
		s, t, ok := strings.Cut(sc.Text(), "|||")
		if !ok {
			return nil, fmt.Errorf("stdin line %d: want \"source ||| target\"", n)
		}
		pairs = append(pairs, data.Pair{Src: strings.Fields(s), Tgt: strings.Fields(t)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("stdin: %w", err)
	}
	return pairs, nil
}

// scoreGold reads the gold alignments of pairs from path (checked against
// the pairs' lengths) and scores pred against them.
func scoreGold(path string, pairs []data.Pair, pred [][]align.Link) (align.Counts, error) {
	gold, err := readGold(path, pairs)
	if err != nil {
		return align.Counts{}, err
	}
	return align.CountAll(pred, gold), nil
}

// readGold reads the gold Pharaoh alignments of pairs from path, checked
// against the pairs' lengths.
func readGold(path string, pairs []data.Pair) ([][]align.Link, error) {
	srcLens, tgtLens := pairLengths(pairs)
	return align.ReadFile(path, srcLens, tgtLens)
}

// pairLengths returns the source and target lengths of pairs.
func pairLengths(pairs []data.Pair) (src, tgt []int) {
	src, tgt = make([]int, len(pairs)), make([]int, len(pairs))
	for i, p := range pairs {
		src[i], tgt[i] = len(p.Src), len(p.Tgt)
	}
	return src, tgt
}
