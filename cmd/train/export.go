package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/pytorch"
)

// exportCmd writes a checkpoint's model as safetensors in the names of
// torch.nn.Transformer's state_dict, the vocabularies beside it:
//
//	train export --checkpoint PATH --out model.safetensors
//
// It prints one JSON line: the files written and the weights' digest.
func exportCmd(args []string, stdout io.Writer) error {
	var usage bytes.Buffer
	fs := newFlags("export", &usage)
	ckpt := fs.String("checkpoint", "", "checkpoint step directory or run directory (required)")
	out := fs.String("out", "", "safetensors file to write, e.g. model.safetensors (required)")
	if help, err := parseQuiet(fs, &usage, args, stdout); help || err != nil {
		return err
	}
	if *ckpt == "" || *out == "" {
		return errors.New("export: --checkpoint and --out are required")
	}
	l, err := loadModel(*ckpt)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	files, err := pytorch.Export(l, *out, tokenizerExport)
	if err != nil {
		return err
	}
	return printPortJSON(stdout, map[string]any{"files": files, "weights_sha256": train.WeightsDigest(l.Params)})
}

// tokenizerExport writes the model's tokenizer files beside an export
// (exportTokenizers; none for words).
var tokenizerExport pytorch.TokenizerHook = exportTokenizers

// printPortJSON writes v as one JSON line.
func printPortJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
