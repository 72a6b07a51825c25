// Command train trains, evaluates and inspects sequence-to-sequence
// Transformers built on Gorgonia.
//
//	train --config FILE [--resume] [--steps N] [--out DIR]
//	train inspect CHECKPOINT
//	train bleu REF [REF...] < HYP
//	train eval --config FILE [--checkpoint PATH] [--split test|valid] [--beam K]
//	train translate --checkpoint PATH [--beam K] < SRC
//	train attention --checkpoint PATH --text "..." --out FILE.png [--layer L] [--head H] [--self]
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first signal asks for a clean stop (a checkpoint is saved);
		// restoring the default handling lets a second one kill at once.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

// run dispatches a command line; it is main without the process exit.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "inspect":
			return inspectCmd(args[1:], stdout)
		case "bleu":
			return bleuCmd(args[1:], stdin, stdout)
		case "eval":
			return evalCmd(args[1:], stdout, stderr)
		case "translate":
			return translateCmd(args[1:], stdin, stdout)
		case "attention":
			return attentionCmd(args[1:], stdout)
		case "bench":
			return benchCmd(args[1:], stdout, stderr)
		case "serve":
			return serveCmd(ctx, args[1:], stdout, stderr)
		case "bench-serve":
			return benchServeCmd(args[1:], stdout, stderr)
		case "help", "-h", "--help":
			fmt.Fprint(stdout, usage)
			return nil
		}
	}
	return trainCmd(ctx, args, stdout, stderr)
}

const usage = `usage:
  train --config FILE [--resume] [--steps N] [--out DIR]
  train inspect CHECKPOINT
  train bleu REF [REF...] < HYP   [-w N] [-f json|text] [--tokenize 13a|none] [--lowercase]
  train eval --config FILE [--checkpoint PATH] [--split test|valid] [--beam K]
  train translate --checkpoint PATH [--beam K] < SRC
  train attention --checkpoint PATH --text "..." --out FILE.png [--layer L] [--head H|--average] [--self]
  train bench --config FILE [--steps N] [--warmup N]
  train serve --checkpoint PATH [--addr 127.0.0.1:8080] [--max-batch N] [--batch-wait D] [--workers N] [--queue N] [--timeout D] [--max-body B] [--max-sentences N] [--max-tokens N] [--grace D]
  train bench-serve --checkpoint PATH --src FILE [--clients 1,8,64] [--beam K] [--max-batch N] [--workers N] [--queue N] [--overload-queue N]
`
