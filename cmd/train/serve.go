package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"runtime"

	"github.com/seq2seq/transformer/serve"
	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/checkpoint"
)

// serveCmd serves translations and the attention page over HTTP until
// SIGINT or SIGTERM, then finishes the requests in flight and returns nil:
//
//	train serve --checkpoint PATH [--addr 127.0.0.1:8080] [--max-batch N]
//	  [--batch-wait D] [--workers N] [--queue N] [--timeout D]
//	  [--max-body B] [--max-sentences N] [--max-tokens N] [--report-sentences N]
func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	ckpt := fs.String("checkpoint", "", "checkpoint step directory or run directory (required)")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	maxBatch := fs.Int("max-batch", 32, "most sentences decoded together")
	wait := fs.Duration("batch-wait", serveDefaultWait, "longest a batch waits for more sentences")
	workers := fs.Int("workers", defaultWorkers(), "batches decoded at once; the default is one per core but one")
	queue := fs.Int("queue", 256, "most sentences waiting; beyond, requests get 503")
	lim := serve.DefaultLimits
	fs.DurationVar(&lim.Timeout, "timeout", lim.Timeout, "per-request time limit; beyond, 504")
	fs.Int64Var(&lim.MaxBody, "max-body", lim.MaxBody, "most bytes in a request body; beyond, 413")
	fs.IntVar(&lim.MaxSentences, "max-sentences", lim.MaxSentences, "most texts in a request; beyond, 400")
	fs.IntVar(&lim.MaxTokens, "max-tokens", lim.MaxTokens, "most source tokens in a request; beyond, 413")
	grace := fs.Duration("grace", serveDefaultGrace, "longest the requests in flight may take after SIGINT/SIGTERM")
	reportN := fs.Int("report-sentences", 200, "validation pairs of the alignment report (GET /v1/alignment-report); 0: none")
	if help, err := parseLoud(fs, args); help || err != nil {
		return err
	}
	switch {
	case *ckpt == "":
		return errors.New("serve: --checkpoint is required")
	case *maxBatch < 1 || *workers < 1 || *queue < 1 || lim.MaxSentences < 1 || lim.MaxTokens < 1 || lim.MaxBody < 1:
		return errors.New("serve: --max-batch, --workers, --queue, --max-sentences, --max-tokens and --max-body must be positive")
	case lim.Timeout <= 0 || *wait < 0:
		return errors.New("serve: --timeout must be positive and --batch-wait not negative")
	}
	l, err := loadModel(*ckpt)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	info, err := checkpoint.Inspect(train.CheckpointPath(*ckpt))
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	be, err := serve.NewModelBackend(l, info.WeightsSHA256)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	logger := log.New(stderr, "serve: ", log.LstdFlags|log.Lmicroseconds)
	s := serve.New(be, lim, serve.BatchOptions{MaxBatch: *maxBatch, Wait: *wait, Queue: *queue, Workers: *workers}, logger)
	if *reportN > 0 {
		s.StartReport(func(ctx context.Context) (*serve.AlignmentReport, error) { return be.ValidReport(ctx, *reportN) })
	}
	fmt.Fprintf(stdout, "serving %s (step %d) on http://%s/\n", info.Path, l.Step, ln.Addr())
	if err := s.Serve(ctx, ln, *grace); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "serve: stopped")
	return nil
}

// defaultWorkers is one decoding worker per core but one, at least one:
// the HTTP layer needs a core too, and on a 2-core machine one worker with
// full batches served 64 clients about twice as fast as two with half
// batches (see the Serving section of the README).
func defaultWorkers() int { return max(1, runtime.NumCPU()-1) }
