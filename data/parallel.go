package data

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// ReadSplit reads {dir}/{split}.{srcExt} and {dir}/{split}.{tgtExt}.
func ReadSplit(dir, split, srcExt, tgtExt string) ([]Pair, error) {
	return ReadParallel(filepath.Join(dir, split+"."+srcExt), filepath.Join(dir, split+"."+tgtExt))
}

// ReadParallel reads two line-aligned files of whitespace-tokenized
// sentences; it is ReadParallelReport without the report.
func ReadParallel(srcPath, tgtPath string) ([]Pair, error) {
	return ReadParallelReport(srcPath, tgtPath, nil)
}

// ReadParallelReport reads two line-aligned files of whitespace-tokenized
// sentences. Both must exist, be non-empty UTF-8 without NUL bytes, have
// the same number of lines and no blank line; a trailing "\r" (CRLF
// endings) is removed, and so is a byte-order mark at the start of a file.
// A pair with a line longer than MaxLineBytes is dropped. The mark and the
// dropped pairs are reported to warn (nil: not reported). Errors name the
// file and the 1-based line.
func ReadParallelReport(srcPath, tgtPath string, warn io.Writer) ([]Pair, error) {
	src, err := readLines(srcPath, warn)
	if err != nil {
		return nil, err
	}
	tgt, err := readLines(tgtPath, warn)
	if err != nil {
		return nil, err
	}
	if len(src) != len(tgt) {
		return nil, fmt.Errorf("read %s and %s: %d lines and %d lines, want equal counts", srcPath, tgtPath, len(src), len(tgt))
	}
	pairs := make([]Pair, 0, len(src))
	var long []int
	for i := range src {
		if src[i] == nil || tgt[i] == nil {
			long = append(long, i+1)
			continue
		}
		pairs = append(pairs, Pair{Src: src[i], Tgt: tgt[i]})
	}
	if len(long) > 0 && warn != nil {
		fmt.Fprintf(warn, "warning: %s, %s: %d pairs dropped for a line over %d bytes (first at line %d)\n",
			srcPath, tgtPath, len(long), MaxLineBytes, long[0])
	}
	return pairs, nil
}

// readLines reads one corpus file as tokenized lines; a line over
// MaxLineBytes is nil.
func readLines(path string, warn io.Writer) ([][]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("read %s: no such file", path)
		}
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if info.IsDir() {
		return nil, fmt.Errorf("read %s: is a directory, want a text file", path)
	}
	if info.Size() == 0 {
		return nil, fmt.Errorf("read %s: empty file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	var out [][]string
	lr := newLineReader(f, path)
	for {
		b, long, ok, err := lr.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if long {
			out = append(out, nil)
			continue
		}
		line := strings.TrimSuffix(string(b), "\r")
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("read %s line %d: invalid UTF-8", path, lr.n)
		}
		toks := strings.Fields(line)
		if len(toks) == 0 {
			return nil, fmt.Errorf("read %s line %d: empty line", path, lr.n)
		}
		out = append(out, toks)
	}
	if lr.hadBOM && warn != nil {
		fmt.Fprintf(warn, "note: %s starts with a byte-order mark; it was dropped\n", path)
	}
	return out, nil
}
