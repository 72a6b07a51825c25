// Command synth writes the synthetic big-vocabulary parallel corpus of
// package data ({dir}/{train,valid,test}.{src,tgt}) for benchmarks at real
// vocabulary sizes; train on it with data.dir set to dir and data.toy:
// false.
//
//	synth --dir DIR [--src-vocab N] [--tgt-vocab N] [--train N] [--valid N] [--test N] [--seed N]
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/seq2seq/transformer/data"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}

// run parses the flags and writes the corpus.
func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "output directory (required)")
	cfg := data.DefaultSynthConfig(0, 0)
	fs.IntVar(&cfg.SrcVocab, "src-vocab", 18700, "source word types")
	fs.IntVar(&cfg.TgtVocab, "tgt-vocab", 10200, "target word types, in [src-vocab/8, 2*src-vocab]")
	fs.IntVar(&cfg.Train, "train", cfg.Train, "training pairs")
	fs.IntVar(&cfg.Valid, "valid", cfg.Valid, "validation pairs")
	fs.IntVar(&cfg.Test, "test", cfg.Test, "test pairs")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: synth --dir DIR [--src-vocab N] [--tgt-vocab N] [--train N] [--valid N] [--test N] [--seed N]")
	}
	return data.WriteSynth(*dir, "src", "tgt", cfg)
}
