package data

import (
	"bufio"
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
// sentences. Both must exist, be non-empty UTF-8, have the same number of
// lines and no blank line; a trailing "\r" (CRLF endings) is removed. Lines
// of any length are accepted. Errors name the file and the 1-based line.
func ReadParallel(srcPath, tgtPath string) ([]Pair, error) {
	src, err := readLines(srcPath)
	if err != nil {
		return nil, err
	}
	tgt, err := readLines(tgtPath)
	if err != nil {
		return nil, err
	}
	if len(src) != len(tgt) {
		return nil, fmt.Errorf("read %s and %s: %d lines and %d lines, want equal counts", srcPath, tgtPath, len(src), len(tgt))
	}
	pairs := make([]Pair, len(src))
	for i := range src {
		pairs[i] = Pair{Src: src[i], Tgt: tgt[i]}
	}
	return pairs, nil
}

// readLines reads one corpus file as tokenized lines.
func readLines(path string) ([][]string, error) {
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
	r := bufio.NewReaderSize(f, 1<<16)
	for n := 1; ; n++ {
		line, err := r.ReadString('\n')
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("read %s line %d: %w", path, n, err)
		}
		if line == "" && err == io.EOF {
			break
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("read %s line %d: invalid UTF-8", path, n)
		}
		toks := strings.Fields(line)
		if len(toks) == 0 {
			return nil, fmt.Errorf("read %s line %d: empty line", path, n)
		}
		out = append(out, toks)
		if err == io.EOF {
			break
		}
	}
	return out, nil
}
