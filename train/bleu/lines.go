package bleu

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// splitFileLines splits text into lines the way Python iterates over a
// file opened with newline="\n" (sacreBLEU's smart_open): only "\n" ends a
// line, a final newline adds no empty line, and "\r" stays in the line.
func splitFileLines(text string) []string {
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// splitStdinLines splits text the way sacreBLEU reads standard input,
// through a TextIOWrapper in universal newlines mode: "\r\n", "\r" and
// "\n" all end a line. Empty input still yields one empty line, because
// sacreBLEU always reads a first line.
func splitStdinLines(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := splitFileLines(text)
	if len(lines) == 0 {
		return []string{""}
	}
	return lines
}

// rstripAll right-strips every line, as sacreBLEU does when reading.
func rstripAll(lines []string) []string {
	for i, l := range lines {
		lines[i] = pyRstrip(l)
	}
	return lines
}

// readRefFile reads a reference file, transparently gunzipping names
// ending in ".gz" like sacreBLEU, and returns its right-stripped lines.
func readRefFile(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read reference file: %w", err)
	}
	if strings.HasSuffix(path, ".gz") {
		if data, err = gunzip(data); err != nil {
			return nil, fmt.Errorf("read reference file %s: %w", path, err)
		}
	}
	data = stripBOM(data)
	if err := checkText(data); err != nil {
		return nil, fmt.Errorf("read reference file %s: %w", path, err)
	}
	return rstripAll(splitFileLines(string(data))), nil
}

// readHypotheses reads the system output from r and returns its
// right-stripped lines.
func readHypotheses(r io.Reader) ([]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read hypotheses from stdin: %w", err)
	}
	data = stripBOM(data)
	if err := checkText(data); err != nil {
		return nil, fmt.Errorf("read hypotheses from stdin: %w", err)
	}
	if len(data) == 0 {
		// Unlike sacreBLEU (one empty line), empty input is zero lines,
		// so that it fails the line-count check.
		return nil, nil
	}
	return rstripAll(splitStdinLines(string(data))), nil
}

// gunzip decompresses a whole gzip stream.
func gunzip(data []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	defer zr.Close()
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	return out, nil
}

// bom is the UTF-8 byte-order mark.
var bom = []byte("\xef\xbb\xbf")

// stripBOM drops a UTF-8 byte-order mark at the start of data; unlike
// sacreBLEU, which keeps it in the first word.
func stripBOM(data []byte) []byte { return bytes.TrimPrefix(data, bom) }

// checkText rejects NUL bytes and invalid UTF-8, naming the first bad line.
func checkText(data []byte) error {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return fmt.Errorf("line %d contains a NUL byte", bytes.Count(data[:i], []byte("\n"))+1)
	}
	return checkUTF8(data)
}

// checkUTF8 rejects input Python's UTF-8 decoder would reject, naming
// the first bad line.
func checkUTF8(data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	for i, line := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(line) {
			return fmt.Errorf("line %d is not valid UTF-8", i+1)
		}
	}
	return fmt.Errorf("input is not valid UTF-8")
}
