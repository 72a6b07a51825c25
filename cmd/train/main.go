// Command train trains, evaluates and inspects sequence-to-sequence
// Transformers built on Gorgonia. `train help` lists every command and
// flag.
//
//	train --config FILE [--resume|--overwrite] [--steps N] [--out DIR] [--memprofile FILE] [--set KEY=VALUE]...
//	train eval --config FILE [--checkpoint PATH] [--split test|valid] [--beam K] [--set KEY=VALUE]...
//	train translate --checkpoint PATH [--beam K] [--alignments] < SRC
//	train attention --checkpoint PATH --text "..." --out FILE.png [--layer L] [--head H|--average] [--self] [--merge-pieces] [--target "..."] [--gold FILE|--links "i-j ..."]
//	train align --checkpoint PATH [--src F --tgt F] [--layer L] [--head H|--average|--best-head|--all-layers] [--threshold X] [--gold FILE] [--report]
//	train export --checkpoint PATH --out model.safetensors
//	train import --safetensors F [--config FILE] [--src-vocab V] [--tgt-vocab V] --out DIR
//	train plot RUN_DIR [--out FILE.png]
//	train average RUN_DIR --last K --out DIR
//	train serve --checkpoint PATH [--addr 127.0.0.1:8080] [--max-batch N] [--batch-wait D] ...
//	train bench-serve --checkpoint PATH --src FILE [--clients 1,8,64] ...
//	train bench --config FILE [--steps N] [--warmup N] [--cpuprofile FILE] [--memprofile FILE] [--set KEY=VALUE]...
//	train bleu REF [REF...] < HYP   [-m bleu chrf] [-w N] [-f json|text] [--tokenize 13a|none] [--lowercase]
//	train inspect CHECKPOINT
//	train help
//
// Exit status: 0 on success, 1 on an error, 128+N after signal N (130 for
// SIGINT, 143 for SIGTERM); an interrupted training saves its checkpoint
// first. serve finishes the requests in flight on the first signal and
// exits 0. GOGC is set to 50 unless the environment sets it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

func main() {
	args := os.Args[1:]
	setGCPercent()
	ctx, sig := watchSignals(stopsItself(args), os.Stderr)
	err := run(ctx, args, os.Stdin, os.Stdout, os.Stderr)
	received := sig.received()
	if isServe(args) && err == nil {
		received = 0 // a server that finished its requests after SIGINT/SIGTERM has done its job
	}
	os.Exit(exitCode(err, received, os.Stderr))
}

// stopsItself reports whether the command handles the first signal itself
// (training saves a checkpoint, serve finishes the requests in flight)
// rather than exiting at once.
func stopsItself(args []string) bool { return isTraining(args) || isServe(args) }

// isServe reports whether args run the server.
func isServe(args []string) bool { return len(args) > 0 && args[0] == "serve" }

// exitCode prints err and returns the process's exit status: 128+N after
// signal N, else 1 on an error and 0 on success.
func exitCode(err error, sig int, stderr io.Writer) int {
	if err != nil && !errors.Is(err, errInterrupted) {
		fmt.Fprintln(stderr, "train:", err)
	}
	switch {
	case sig != 0:
		return 128 + sig
	case err != nil:
		return 1
	}
	return 0
}

// subcommand is a command of train other than training itself.
type subcommand func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error

// subcommands maps each command's first word to it.
var subcommands = map[string]subcommand{
	"inspect": func(_ context.Context, args []string, _ io.Reader, stdout, _ io.Writer) error {
		return inspectCmd(args, stdout)
	},
	"bleu": func(_ context.Context, args []string, stdin io.Reader, stdout, _ io.Writer) error {
		return bleuCmd(args, stdin, stdout)
	},
	"eval": func(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
		return evalCmd(args, stdout, stderr)
	},
	"translate": func(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		return translateCmd(args, stdin, stdout, stderr)
	},
	"attention": func(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
		return attentionCmd(args, stdout, stderr)
	},
	"bench": func(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
		return benchCmd(args, stdout, stderr)
	},
	"align": func(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		return alignCmd(args, stdin, stdout, stderr)
	},
	"export": func(_ context.Context, args []string, _ io.Reader, stdout, _ io.Writer) error {
		return exportCmd(args, stdout)
	},
	"import": func(_ context.Context, args []string, _ io.Reader, stdout, _ io.Writer) error {
		return importCmd(args, stdout)
	},
	"plot": func(_ context.Context, args []string, _ io.Reader, stdout, _ io.Writer) error {
		return plotCmd(args, stdout)
	},
	"average": func(_ context.Context, args []string, _ io.Reader, stdout, _ io.Writer) error {
		return averageCmd(args, stdout)
	},
	"serve": func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
		return serveCmd(ctx, args, stdout, stderr)
	},
	"bench-serve": func(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
		return benchServeCmd(args, stdout, stderr)
	},
}

// isTraining reports whether args run training: no command word, only
// flags.
func isTraining(args []string) bool {
	return len(args) == 0 || strings.HasPrefix(args[0], "-") && !isHelp(args[0])
}

func isHelp(arg string) bool {
	return arg == "help" || arg == "-h" || arg == "--help" || arg == "-help"
}

// run dispatches a command line; it is main without the process exit.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	switch {
	case isTraining(args):
		return trainCmd(ctx, args, stdout, stderr)
	case isHelp(args[0]):
		return helpCmd(ctx, stdout)
	}
	cmd, ok := subcommands[args[0]]
	if !ok {
		return fmt.Errorf("unknown command %q: want one of %s, or flags only (--config FILE) to train; see train help",
			args[0], strings.Join(commandNames(), ", "))
	}
	return cmd(ctx, args[1:], stdin, stdout, stderr)
}

// commandNames returns the subcommands' names, sorted.
func commandNames() []string {
	names := []string{"help"}
	for name := range subcommands {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
