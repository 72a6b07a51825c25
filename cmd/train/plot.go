package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"github.com/seq2seq/transformer/train/curves"
)

// plotCmd draws a run's learning curves:
//
//	train plot RUN_DIR [--out FILE.png]
//
// It reads RUN_DIR/metrics.jsonl and writes training and validation loss,
// validation BLEU and the learning rate against the step as a PNG, by
// default RUN_DIR/curves.png (the file the trainer refreshes at each
// evaluation).
func plotCmd(args []string, stdout io.Writer) error {
	var buf bytes.Buffer
	fs := newCmdFlags("plot", "train plot RUN_DIR [--out FILE.png]", &buf)
	out := fs.String("out", "", "PNG file to write (default: RUN_DIR/"+curves.FileName+")")
	runDir, help, err := parseRunDir(fs, &buf, args, stdout)
	if help || err != nil {
		return err
	}
	if err := curves.Write(runDir, *out); err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join(runDir, curves.FileName)
	}
	_, err = fmt.Fprintf(stdout, "wrote %s\n", *out)
	return err
}
