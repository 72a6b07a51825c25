package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/curves"
)

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args, rejecting stray positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

func trainCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("train", stderr)
	cfgPath := fs.String("config", "", "YAML config file (required)")
	resume := fs.Bool("resume", false, "continue from the newest valid checkpoint of the run")
	steps := fs.Int("steps", 0, "override train.steps (absolute number of optimizer steps)")
	out := fs.String("out", "", "override the checkpoints root directory")
	overwrite := fs.Bool("overwrite", false, "delete the run directory's earlier run first (a fresh run into a directory with checkpoints is refused without it)")
	memProfile := fs.String("memprofile", "", "write a heap profile to this file after each evaluation, replacing the last (go tool pprof)")
	sets := addSetFlag(fs)
	if help, err := parseLoud(fs, args); help || err != nil {
		return err
	}
	if *cfgPath == "" {
		return errors.New("--config is required (try configs/tiny.yaml)")
	}
	if *resume && *overwrite {
		return errors.New("--resume and --overwrite exclude each other")
	}
	if *steps < 0 {
		return fmt.Errorf("--steps: %d must be positive", *steps)
	}
	cfg, err := loadConfig(*cfgPath, *sets)
	if err != nil {
		return err
	}
	res, err := train.Run(ctx, cfg, train.Options{
		Resume: *resume, Steps: *steps, Out: *out, Wipe: *overwrite,
		Stdout: stdout, Log: stderr, Progress: isTerminal(stdout),
		OnEval: afterEval(stderr, *memProfile),
	})
	if err != nil {
		return err
	}
	if res.Interrupted {
		return errInterrupted
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// afterEval returns the hook run after each evaluation: it redraws the
// learning curves and, when memProfile is not empty, writes a heap profile
// there. A failure is a warning, never the end of a run.
func afterEval(stderr io.Writer, memProfile string) func(runDir string) {
	curves := refreshCurves(stderr)
	return func(runDir string) {
		curves(runDir)
		if err := writeHeapProfile(memProfile); err != nil {
			fmt.Fprintln(stderr, "warning:", err)
		}
	}
}

// refreshCurves returns the hook that redraws curves.png in the run folder
// after each evaluation; a failure is a warning, never the end of a run.
func refreshCurves(stderr io.Writer) func(runDir string) {
	return func(runDir string) {
		if err := curves.Write(runDir, ""); err != nil {
			fmt.Fprintln(stderr, "warning: learning curves:", err)
		}
	}
}
