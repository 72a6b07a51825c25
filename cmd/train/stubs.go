package main

import (
	"errors"
	"io"
)

func evalCmd(args []string, stdout, stderr io.Writer) error { return errors.New("eval: not yet") }
func translateCmd(args []string, stdin io.Reader, stdout io.Writer) error {
	return errors.New("translate: not yet")
}
func attentionCmd(args []string, stdout io.Writer) error     { return errors.New("attention: not yet") }
func benchCmd(args []string, stdout, stderr io.Writer) error { return errors.New("bench: not yet") }
