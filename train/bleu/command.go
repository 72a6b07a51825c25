package bleu

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Command runs a single-system clone of the sacrebleu command: the
// positional arguments are reference files (one reference stream each),
// the hypotheses are read from stdin, and the score is written to stdout
// as sacrebleu writes it (JSON by default). See usage for the flags.
func Command(args []string, stdin io.Reader, stdout io.Writer) error {
	cfg, err := parseArgs(args)
	if err != nil {
		return fmt.Errorf("train bleu: %w", err)
	}
	if cfg.help {
		_, err := io.WriteString(stdout, usage())
		return err
	}
	if len(cfg.refs) == 0 {
		return errors.New("train bleu: no reference files given; usage: train bleu [flags] REF [REF...] < HYPOTHESES")
	}
	hyps, refs, err := readInputs(cfg, stdin)
	if err != nil {
		return fmt.Errorf("train bleu: %w", err)
	}
	out, err := scoreMetrics(hyps, refs, cfg)
	if err != nil {
		return fmt.Errorf("train bleu: %w", err)
	}
	if _, err := io.WriteString(stdout, out+"\n"); err != nil {
		return fmt.Errorf("train bleu: write result: %w", err)
	}
	return nil
}

// readInputs reads and checks the references and hypotheses.
func readInputs(cfg cliConfig, stdin io.Reader) ([]string, [][]string, error) {
	refs := make([][]string, len(cfg.refs))
	for i, path := range cfg.refs {
		lines, err := readRefFile(path)
		if err != nil {
			return nil, nil, err
		}
		refs[i] = lines
	}
	hyps, err := readHypotheses(stdin)
	if err != nil {
		return nil, nil, err
	}
	if err := checkCLIInput(hyps, refs, cfg.refs); err != nil {
		return nil, nil, err
	}
	return hyps, refs, nil
}

// checkCLIInput rejects tab-separated (multi-system) input and reference
// files whose line count differs from the hypotheses'.
func checkCLIInput(hyps []string, refs [][]string, paths []string) error {
	for i, h := range hyps {
		if strings.Contains(h, "\t") {
			return fmt.Errorf("stdin line %d contains a tab: tab-separated multi-system input is not supported", i+1)
		}
	}
	for i, lines := range refs {
		if len(lines) != len(hyps) {
			return fmt.Errorf("reference file %s has %d lines, but stdin has %d hypothesis lines",
				paths[i], len(lines), len(hyps))
		}
	}
	return nil
}

// formatResult renders the score as the sacrebleu command prints it for
// one system, without the final newline.
func formatResult(sc Score, cfg cliConfig) (string, error) {
	switch {
	case cfg.scoreOnly:
		return sc.scoreString(cfg.width), nil
	case cfg.format == "text":
		sig := formatSignature(signatureFields(len(cfg.refs), cfg.opt), cfg.short)
		return sc.signedText(cfg.width, sig), nil
	}
	js, err := sc.JSON(cfg.width)
	if err != nil {
		return "", err
	}
	return string(js), nil
}
