package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/seq2seq/transformer/train/bleu"
	"github.com/seq2seq/transformer/train/checkpoint"
)

func inspectCmd(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: train inspect CHECKPOINT")
	}
	info, err := checkpoint.Inspect(args[0])
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", b)
	return err
}

func bleuCmd(args []string, stdin io.Reader, stdout io.Writer) error {
	return bleu.Command(args, stdin, stdout)
}
