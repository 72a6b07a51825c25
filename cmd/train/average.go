package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/seq2seq/transformer/train/checkpoint"
)

// averageCmd averages the last checkpoints of a run, as fairseq's
// average_checkpoints does:
//
//	train average RUN_DIR --last K --out DIR
//
// DIR becomes a run directory holding one checkpoint, named after the
// newest averaged step, with latest and best pointing at it: translate,
// eval --checkpoint and inspect accept DIR or that step directory. The
// parameters are the element-wise mean of the K checkpoints; the optimizer
// state is dropped (see checkpoint.Average), so DIR is not for resuming.
// DIR must not hold checkpoints already.
func averageCmd(args []string, stdout io.Writer) error {
	var buf bytes.Buffer
	fs := newCmdFlags("average", "train average RUN_DIR --last K --out DIR", &buf)
	last := fs.Int("last", 0, "number of newest checkpoints to average (required)")
	out := fs.String("out", "", "run directory to write the averaged checkpoint into (required)")
	runDir, help, err := parseRunDir(fs, &buf, args, stdout)
	if help || err != nil {
		return err
	}
	if *last < 1 {
		return fmt.Errorf("average: --last %d, want at least 1", *last)
	}
	if *out == "" {
		return errors.New("average: --out is required")
	}
	if err := checkEmptyOut(*out); err != nil {
		return fmt.Errorf("average: %w", err)
	}
	st, err := checkpoint.AverageLast(runDir, *last)
	if err != nil {
		return err
	}
	path, err := checkpoint.Save(*out, st, 0, true)
	if err != nil {
		return fmt.Errorf("average: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "averaged %s into %s\n", st.Extra[checkpoint.AveragedFromKey], path)
	return err
}

// checkEmptyOut refuses an output directory that already holds
// checkpoints (the run directory itself, say), which Save would mix with
// or overwrite.
func checkEmptyOut(out string) error {
	steps, err := checkpoint.ListSteps(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(steps) > 0 {
		return fmt.Errorf("--out %s already holds checkpoints (%s); choose a new directory", out, filepath.Base(steps[len(steps)-1]))
	}
	return nil
}
