package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/pytorch"
)

// importCmd turns a safetensors file in torch.nn.Transformer's names into
// a checkpoint that translate, eval, attention and inspect accept:
//
//	train import --safetensors F [--config cfg.yaml] [--src-vocab V] [--tgt-vocab V] --out DIR
//
// The vocabularies default to the files beside F (model.src.vocab and
// model.tgt.vocab for model.safetensors), the config to the one F's
// metadata carries. It prints one JSON line: the checkpoint and the
// weights' digest.
func importCmd(args []string, stdout io.Writer) error {
	var usage bytes.Buffer
	fs := newFlags("import", &usage)
	file := fs.String("safetensors", "", "safetensors file to import (required)")
	cfgPath := fs.String("config", "", "config whose model section describes the file (default: the file's metadata)")
	srcVocab := fs.String("src-vocab", "", "source vocabulary, one token a line (default: beside the file)")
	tgtVocab := fs.String("tgt-vocab", "", "target vocabulary, one token a line (default: beside the file)")
	out := fs.String("out", "", "run directory to write the checkpoint in (required)")
	if help, err := parseQuiet(fs, &usage, args, stdout); help || err != nil {
		return err
	}
	if *file == "" || *out == "" {
		return errors.New("import: --safetensors and --out are required")
	}
	o := pytorch.ImportOptions{Safetensors: *file, SrcVocab: *srcVocab, TgtVocab: *tgtVocab, Out: *out}
	if *cfgPath != "" {
		cfg, err := train.LoadConfig(*cfgPath)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		o.Config = cfg
	}
	path, digest, err := pytorch.Import(o)
	if err != nil {
		return err
	}
	return printPortJSON(stdout, map[string]any{"checkpoint": path, "weights_sha256": digest})
}
