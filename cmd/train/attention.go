package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/heatmap"
)

// attentionOptions is the parsed command line of attention.
type attentionOptions struct {
	checkpoint, text, out string
	layer, head           int // -1: the last layer; -1: the average of the heads
	average, self         bool
	gold, links, target   string // overlay and forced target (attention_overlay.go)
	merge                 bool   // --merge-pieces: one row and column per word
}

// attentionCmd draws an attention heat map for the greedy translation of
// one sentence:
//
//	train attention --checkpoint PATH --text "..." --out FILE.png [--layer L] [--head H|--average] [--self]
//	    [--merge-pieces] [--target "..."] [--gold FILE|--links "i-j ..."]
//
// By default it draws the last decoder layer's cross-attention averaged
// over the heads: rows are the generated target tokens and EOS, columns the
// source tokens (the pieces of the checkpoint's tokenizer). --self draws
// the encoder's self-attention instead; --merge-pieces merges subword
// pieces into words (see mergeMap). Layers and heads count from 0.
// --target draws the attention of the model forced through the given
// target instead of its translation. --gold (a file of one Pharaoh line)
// or --links frames the gold links' cells and dots each target word's
// argmax cell. It prints the translation and the file written.
func attentionCmd(args []string, stdout, stderr io.Writer) error {
	opt, help, err := parseAttention(args, stdout)
	if help || err != nil {
		return err
	}
	l, err := loadModel(opt.checkpoint)
	if err != nil {
		return fmt.Errorf("attention: %w", err)
	}
	if n := len(strings.Fields(opt.text)); n > l.Model.Cfg.MaxPositions {
		warnCut(stderr, "attention", 1, l.Model.Cfg.MaxPositions)
	}
	m, translation, err := attentionMap(l, opt)
	if err != nil {
		return fmt.Errorf("attention: %w", err)
	}
	if err := heatmap.WritePNG(opt.out, m, heatmap.Options{}); err != nil {
		return fmt.Errorf("attention: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "%s\nwrote %s\n", translation, opt.out)
	return err
}

// parseAttention parses and checks attention's flags.
func parseAttention(args []string, stdout io.Writer) (opt attentionOptions, help bool, err error) {
	var usage bytes.Buffer
	fs := newFlags("attention", &usage)
	fs.StringVar(&opt.checkpoint, "checkpoint", "", "checkpoint step or run directory (required)")
	fs.StringVar(&opt.text, "text", "", "source sentence: raw text, or whitespace-tokenized for a words checkpoint (required)")
	fs.StringVar(&opt.out, "out", "", "PNG file to write (required)")
	fs.IntVar(&opt.layer, "layer", -1, "layer to draw, from 0 (default: the last)")
	fs.IntVar(&opt.head, "head", -1, "head to draw, from 0 (default: the average of all heads)")
	fs.BoolVar(&opt.average, "average", false, "draw the average of all heads (the default)")
	fs.BoolVar(&opt.self, "self", false, "draw the encoder's self-attention instead of the cross-attention")
	fs.StringVar(&opt.target, "target", "", "force this target sentence through the decoder instead of the greedy translation")
	fs.StringVar(&opt.gold, "gold", "", "file of one Pharaoh line: frame its links' cells, and dot each target word's argmax cell")
	fs.StringVar(&opt.links, "links", "", "gold links \"i-j ...\" (source i, target j) to frame, as --gold")
	fs.BoolVar(&opt.merge, "merge-pieces", false, "merge subword pieces into words (sum over source pieces, mean over target pieces)")
	if help, err = parseQuiet(fs, &usage, args, stdout); help || err != nil {
		return opt, help, err
	}
	switch {
	case opt.checkpoint == "":
		err = errors.New("attention: --checkpoint is required")
	case opt.out == "":
		err = errors.New("attention: --out is required")
	case opt.average && opt.head >= 0:
		err = errors.New("attention: --head and --average exclude each other")
	case opt.layer < -1:
		err = fmt.Errorf("attention: --layer %d out of range: layers count from 0", opt.layer)
	case opt.head < -1:
		err = fmt.Errorf("attention: --head %d out of range: heads count from 0", opt.head)
	default:
		err = checkOverlay(opt)
	}
	return opt, false, err
}

// attentionMap translates opt.text greedily and returns the heat map opt
// asks for and the translation.
func attentionMap(l *train.Loaded, opt attentionOptions) (heatmap.Map, string, error) {
	cfg := l.Model.Cfg
	layers, kind := cfg.DecoderLayers, "cross-attention, decoder"
	if opt.self {
		layers, kind = cfg.EncoderLayers, "self-attention, encoder"
	}
	layer, err := pick("--layer", opt.layer, layers, "layers")
	if err != nil {
		return heatmap.Map{}, "", err
	}
	if _, err := pick("--head", opt.head, cfg.Heads, "heads"); err != nil {
		return heatmap.Map{}, "", err
	}
	src := strings.Fields(strings.ToValidUTF8(opt.text, "\uFFFD"))
	if len(src) == 0 {
		return heatmap.Map{}, "", errors.New("--text holds no tokens")
	}
	src = sourcePieces(l, src, cfg.MaxPositions)
	var out []string
	var att *train.Attention
	if opt.target != "" {
		out, att, err = forcedAttention(l, src, opt.target)
	} else {
		out, att, err = translateWithAttention(l, src)
	}
	if err != nil {
		return heatmap.Map{}, "", err
	}
	translation := l.Tok.Detokenize(l.Tgt.Decode(l.Tgt.Encode(out)))
	m := heatmap.Map{Rows: append(out, data.EOS), Cols: src}
	heads := att.Cross[layer]
	if opt.self {
		m.Rows, heads = src, att.EncoderSelf[layer]
	}
	m.Values, m.Title = selectHead(heads, opt.head)
	m.Title = fmt.Sprintf("%s layer %d, %s", kind, layer, m.Title)
	if opt.merge {
		if m, err = mergeMap(l, m, !opt.self); err != nil {
			return heatmap.Map{}, "", err
		}
	}
	if err := addOverlay(&m, opt); err != nil {
		return heatmap.Map{}, "", err
	}
	return m, translation, nil
}

// pick resolves a layer or head index: -1 means the last (for a head the
// caller averages instead) and anything outside [0, n) is an error.
func pick(flagName string, i, n int, what string) (int, error) {
	if i == -1 {
		return n - 1, nil
	}
	if i < 0 || i >= n {
		return 0, fmt.Errorf("%s %d out of range: the model has %d %s (0-%d)", flagName, i, n, what, n-1)
	}
	return i, nil
}

// selectHead returns head h of heads, or their average when h is -1, with
// a title fragment saying which.
func selectHead(heads [][][]float64, h int) ([][]float64, string) {
	if h == -1 {
		return heatmap.Average(heads), fmt.Sprintf("average of %d heads", len(heads))
	}
	return heads[h], fmt.Sprintf("head %d", h)
}

// translateWithAttention translates src greedily and returns the output
// tokens and the attention of that output.
func translateWithAttention(l *train.Loaded, src []string) ([]string, *train.Attention, error) {
	tr := l.Translator()
	ids := l.Src.Encode(src)
	outs, err := tr.Greedy([][]int{ids})
	if err != nil {
		return nil, nil, fmt.Errorf("translate: %w", err)
	}
	att, err := tr.Attention(ids, outs[0])
	if err != nil {
		return nil, nil, err
	}
	out := make([]string, len(outs[0]))
	for i, id := range outs[0] {
		out[i] = l.Tgt.Token(id)
	}
	return out, att, nil
}
