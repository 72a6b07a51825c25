package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
)

// helpCmd prints the usage summary and then every command's flags, each
// taken from the command's own -h output so that the list cannot go stale.
func helpCmd(ctx context.Context, stdout io.Writer) error {
	if _, err := io.WriteString(stdout, usage); err != nil {
		return err
	}
	for _, name := range append([]string{""}, commandNames()...) {
		if name == "help" || name == "inspect" { // inspect has no flags
			continue
		}
		var out bytes.Buffer
		title, err := "train (training)", error(nil)
		if name == "" {
			err = trainCmd(ctx, []string{"-h"}, &out, &out)
		} else {
			title = "train " + name
			err = subcommands[name](ctx, []string{"-h"}, strings.NewReader(""), &out, &out)
		}
		if err != nil {
			return fmt.Errorf("help for %s: %w", title, err)
		}
		if _, err := fmt.Fprintf(stdout, "\n%s flags:\n%s", title, dropUsageLine(out.String())); err != nil {
			return err
		}
	}
	return nil
}

// dropUsageLine drops the flag package's "Usage of NAME:" first line.
func dropUsageLine(s string) string {
	if strings.HasPrefix(s, "Usage of ") {
		if _, rest, ok := strings.Cut(s, "\n"); ok {
			return rest
		}
	}
	return s
}

const usage = `usage:
  train --config FILE [--resume|--overwrite] [--steps N] [--out DIR] [--memprofile FILE] [--set KEY=VALUE]...
  train eval --config FILE [--checkpoint PATH] [--split test|valid] [--beam K] [--set KEY=VALUE]...
  train translate --checkpoint PATH [--beam K] [--alignments] < SRC
  train attention --checkpoint PATH --text "..." --out FILE.png [--layer L] [--head H|--average] [--self] [--merge-pieces] [--target "..."] [--gold FILE|--links "i-j ..."]
  train align --checkpoint PATH [--src F --tgt F] [--layer L] [--head H|--average|--best-head|--all-layers] [--threshold X] [--gold FILE] [--report] < "SRC ||| TGT"
  train serve --checkpoint PATH [--addr 127.0.0.1:8080] [--max-batch N] [--batch-wait D] [--workers N] [--queue N] [--timeout D] ...
  train bench-serve --checkpoint PATH --src FILE [--clients 1,8,64] [--beam K] ...
  train export --checkpoint PATH --out model.safetensors
  train import --safetensors F [--config FILE] [--src-vocab V] [--tgt-vocab V] --out DIR
  train plot RUN_DIR [--out FILE.png]
  train average RUN_DIR --last K --out DIR
  train bench --config FILE [--steps N] [--warmup N] [--cpuprofile FILE] [--memprofile FILE] [--set KEY=VALUE]...
  train bleu REF [REF...] < HYP   [-m bleu chrf] [-w N] [-f json|text] [--tokenize 13a|none] [--lowercase]
  train inspect CHECKPOINT
  train help

exit status: 0 done, 1 error, 130 after SIGINT, 143 after SIGTERM (training
saves a checkpoint first; a second signal kills at once; serve finishes the
requests in flight and exits 0)

environment: GOGC sets the garbage collector's target (default here 50,
Go's own 100: more memory, slightly less time in the collector)
`
