package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/seq2seq/transformer/train"
)

// defaultHead returns the attention that align and translate --alignments
// read when not told otherwise: the guided layer and head of a model
// trained with train.guided_alignment, else the last layer's heads
// averaged (head -1); guided reports which.
func defaultHead(cfg *train.Config) (layer, head int, guided bool) {
	g := cfg.Train.GuidedAlignment
	if !g.On() {
		return -1, -1, false
	}
	return g.LayerIndex(cfg.Model.DecoderLayers), g.Head, true
}

// choseHead reports whether align's flags name the attention to read.
func choseHead(fs *flag.FlagSet) bool {
	set := givenFlags(fs)
	return set["layer"] || set["head"] || set["average"] || set["best-head"] || set["all-layers"]
}

// useGuidedHead points opt at the guided layer and head of a model trained
// with guided alignment when the flags chose no attention, saying so on
// stderr.
func useGuidedHead(opt *alignOptions, cfg *train.Config, stderr io.Writer) {
	if opt.choseHead || opt.report { // the report scores every head
		return
	}
	if layer, head, ok := defaultHead(cfg); ok {
		opt.layer, opt.head = layer, head
		fmt.Fprintf(stderr, "align: %s, trained with guided alignment (train.guided_alignment)\n", headName(layer, head))
	}
}
