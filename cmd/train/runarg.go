package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// parseRunDir parses the args of a command of the form
// `train NAME RUN_DIR [flags]` into fs (made by newCmdFlags with buf), the
// one positional argument allowed before or after the flags. help reports
// -h or --help, after which the usage is on stdout and the command returns
// nil; the flag package's messages for other errors are dropped, the error
// says it all.
func parseRunDir(fs *flag.FlagSet, buf *bytes.Buffer, args []string, stdout io.Writer) (runDir string, help bool, err error) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		runDir, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, err = io.Copy(stdout, buf)
			return "", true, err
		}
		return "", false, fmt.Errorf("%s: %w", fs.Name(), err)
	}
	rest := fs.Args()
	if runDir == "" && len(rest) > 0 {
		runDir, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		return "", false, fmt.Errorf("%s: unexpected argument %q", fs.Name(), rest[0])
	}
	if runDir == "" {
		return "", false, fmt.Errorf("%s: RUN_DIR is required", fs.Name())
	}
	return runDir, false, nil
}

// newCmdFlags returns a flag set for command name whose usage, headed by
// synopsis, goes to w.
func newCmdFlags(name, synopsis string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "usage: %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// givenFlags returns the names of the flags set on fs's command line.
func givenFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}
