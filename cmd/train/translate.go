package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/train"
)

// Batch sizes of translate: lines read at a time, and sentences decoded
// together.
const (
	translateBatch = 64
	decodeBatch    = 16
)

// translateCmd translates stdin to stdout, one sentence a line:
//
//	train translate --checkpoint PATH [--beam K] [--alignments] < SRC
//
// Lines are raw text, cut by the checkpoint's tokenizer, and the output is
// detokenized text (see sourcePieces); with the words tokenizer tokens are
// whitespace-separated and printed joined by spaces. Unknown tokens become
// <unk>, a blank line gives a blank line, invalid UTF-8 is replaced by U+FFFD and a source
// longer than the model's max_positions is cut to it. The beam width
// defaults to the checkpoint's decode.beam; 1 means greedy. --alignments
// appends " ||| " and the Pharaoh alignment (translate_align.go).
func translateCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var usage bytes.Buffer
	fs := newFlags("translate", &usage)
	ckpt := fs.String("checkpoint", "", "checkpoint step directory or run directory (required)")
	beam := beamFlag(fs, "the checkpoint")
	alignments := fs.Bool("alignments", false, "append \" ||| \" and the translation's word alignment in Pharaoh format (i-j: source word i, output word j) to each line")
	if help, err := parseQuiet(fs, &usage, args, stdout); help || err != nil {
		return err
	}
	if *ckpt == "" {
		return errors.New("translate: --checkpoint is required")
	}
	if err := checkBeamFlag("translate", fs, *beam); err != nil {
		return err
	}
	l, err := loadModel(*ckpt)
	if err != nil {
		return fmt.Errorf("translate: %w", err)
	}
	k := *beam
	if !beamSet(fs) {
		k = l.Config.Decode.Beam
	}
	if err := checkBeam("translate", k, l.Tgt.Size()); err != nil {
		return err
	}
	tr := l.Translator()
	cut := 0
	translate := lineTranslator(l, tr, k, &cut)
	if *alignments {
		translate = withAlignments(l, tr, translate)
	}
	err = translateStream(stdin, stdout, stderr, translate)
	warnCut(stderr, "translate", cut, l.Model.Cfg.MaxPositions)
	return err
}

// warnCut says how many input lines were cut to max_positions tokens.
func warnCut(stderr io.Writer, cmd string, cut, maxPositions int) {
	if cut > 0 {
		fmt.Fprintf(stderr, "%s: warning: %d input lines were longer than the model's max_positions %d tokens and were cut to it\n", cmd, cut, maxPositions)
	}
}

// parseQuiet parses args into fs, whose output is buf: after -h or --help
// it copies the usage to stdout and reports help, after which the command
// returns nil; other errors carry the flag package's message.
func parseQuiet(fs *flag.FlagSet, buf *bytes.Buffer, args []string, stdout io.Writer) (help bool, err error) {
	err = parseFlags(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		_, err = io.Copy(stdout, buf)
		return true, err
	}
	if err != nil {
		return false, fmt.Errorf("%s: %w", fs.Name(), err)
	}
	return false, nil
}

// parseLoud parses args into fs, whose output is the command's stderr:
// help reports -h or --help, after which the command returns nil.
func parseLoud(fs *flag.FlagSet, args []string) (help bool, err error) {
	err = parseFlags(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s: %w", fs.Name(), err)
	}
	return false, nil
}

// loadModel loads the checkpoint at path (a step directory, or a run
// directory meaning its best else latest checkpoint), saying plainly when
// there is nothing there.
func loadModel(path string) (*train.Loaded, error) {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("no checkpoint at %s: no such file or directory", path)
	case err != nil:
		return nil, fmt.Errorf("load checkpoint %s: %w", path, err)
	case !info.IsDir():
		return nil, fmt.Errorf("load checkpoint %s: not a directory (want a step or run directory)", path)
	case !holdsCheckpoint(path):
		return nil, fmt.Errorf("no checkpoint in %s: it has no meta.json, latest or best file", path)
	}
	return train.LoadModel(path)
}

// holdsCheckpoint reports whether dir looks like a step directory or a run
// directory with a checkpoint pointer.
func holdsCheckpoint(dir string) bool {
	for _, name := range []string{"meta.json", "latest", "best"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// lineTranslator returns a function translating a batch of token lists with
// beam width k (1 = greedy), each cut to the model's max_positions (the
// lines cut are added to *cut). It
// decodes the lines sorted by length in groups of similar length (see
// lengthGroups), so that a short line does not run as many decoder steps
// as the longest line read with it.
func lineTranslator(l *train.Loaded, tr *train.Translator, k int, cut *int) func([][]string) ([]string, error) {
	maxLen := l.Model.Cfg.MaxPositions
	return func(lines [][]string) ([]string, error) {
		order := byLength(lines)
		srcs := make([][]int, len(lines))
		for i, j := range order {
			pieces := sourcePieces(l, lines[j], math.MaxInt)
			if len(pieces) > maxLen {
				*cut++
				pieces = pieces[:maxLen]
			}
			srcs[i] = l.Src.Encode(pieces)
		}
		var hyps []string
		for _, g := range lengthGroups(srcs, decodeBatch) {
			h, err := train.DecodeText(tr, l.Tgt, l.Tok, g, len(g), k, l.Config.Decode.Penalty())
			if err != nil {
				return nil, err
			}
			hyps = append(hyps, h...)
		}
		out := make([]string, len(lines))
		for i, j := range order {
			out[j] = hyps[i]
		}
		return out, nil
	}
}

// byLength returns the indices of lines ordered by length, shortest first,
// equal lengths in input order.
func byLength(lines [][]string) []int {
	order := make([]int, len(lines))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(lines[a]) - len(lines[b]) })
	return order
}

// lengthGroups cuts srcs, sorted shortest first, into consecutive groups
// of at most n whose longest is at most twice the shortest plus 4.
func lengthGroups(srcs [][]int, n int) [][][]int {
	var groups [][][]int
	start := 0
	for i := range srcs {
		if i-start == n || len(srcs[i]) > 2*len(srcs[start])+4 {
			groups = append(groups, srcs[start:i])
			start = i
		}
	}
	if start < len(srcs) {
		groups = append(groups, srcs[start:])
	}
	return groups
}

// translateStream reads lines from r in batches of translateBatch, sends
// the non-blank ones to translate and writes one output line per input
// line to w, in order, flushing after each batch. A byte-order mark at the
// start is dropped, saying so on stderr.
func translateStream(r io.Reader, w, stderr io.Writer, translate func([][]string) ([]string, error)) error {
	in := bufio.NewReaderSize(r, 1<<16)
	if skipBOM(in) {
		fmt.Fprintln(stderr, "translate: dropped the byte-order mark at the start of stdin")
	}
	out := bufio.NewWriter(w)
	for line := 1; ; {
		batch, eof, err := readBatch(in, translateBatch)
		if err != nil {
			return fmt.Errorf("translate: stdin line %d: %w", line+len(batch), err)
		}
		if err := translateBatchTo(out, batch, translate); err != nil {
			return fmt.Errorf("translate: lines %d-%d: %w", line, line+len(batch)-1, err)
		}
		if err := out.Flush(); err != nil {
			return fmt.Errorf("translate: write: %w", err)
		}
		line += len(batch)
		if eof {
			return nil
		}
	}
}

// readBatch reads up to n lines of any length from r as token lists, with
// invalid UTF-8 replaced by U+FFFD and NUL bytes separating tokens like
// spaces (stdin is a stream that junk must not stop); eof reports that r is exhausted. A
// blank line is an empty list.
func readBatch(r *bufio.Reader, n int) (batch [][]string, eof bool, err error) {
	for len(batch) < n {
		line, more, err := readBoundedLine(r, maxLineBytes)
		if err != nil {
			return batch, false, err
		}
		if !more && line == nil {
			return batch, true, nil
		}
		batch = append(batch, strings.Fields(strings.ToValidUTF8(strings.ReplaceAll(string(line), "\x00", " "), "\uFFFD")))
		if !more {
			return batch, true, nil
		}
	}
	return batch, false, nil
}

// skipBOM drops a UTF-8 byte-order mark at the start of r and reports
// whether there was one.
func skipBOM(r *bufio.Reader) bool {
	if b, err := r.Peek(len(data.BOM)); err == nil && string(b) == data.BOM {
		r.Discard(len(data.BOM))
		return true
	}
	return false
}

// maxLineBytes is the most of one input line translate keeps: the model
// reads at most max_positions tokens, so a longer line only costs memory.
// It is the corpus readers' bound.
const maxLineBytes = data.MaxLineBytes

// readBoundedLine reads one line, keeping at most limit bytes of it and
// discarding the rest, so memory stays bounded whatever the input. more is
// false at the end of input; line is nil when nothing was left to read.
func readBoundedLine(r *bufio.Reader, limit int) (line []byte, more bool, err error) {
	var kept []byte
	read := false
	for {
		chunk, err := r.ReadSlice('\n')
		if len(chunk) > 0 {
			read = true
			if room := limit - len(kept); room > 0 {
				kept = append(kept, chunk[:min(room, len(chunk))]...)
			}
		}
		switch err {
		case nil:
			return kept, true, nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if !read {
				return nil, false, nil
			}
			return kept, false, nil
		default:
			return nil, false, err
		}
	}
}

// translateBatchTo translates the non-empty lines of batch and writes one
// line per entry to w, blank for an empty one.
func translateBatchTo(w io.Writer, batch [][]string, translate func([][]string) ([]string, error)) error {
	var todo [][]string
	for _, toks := range batch {
		if len(toks) > 0 {
			todo = append(todo, toks)
		}
	}
	var hyps []string
	if len(todo) > 0 {
		var err error
		if hyps, err = translate(todo); err != nil {
			return err
		}
	}
	for _, toks := range batch {
		line := ""
		if len(toks) > 0 {
			line, hyps = hyps[0], hyps[1:]
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	return nil
}
