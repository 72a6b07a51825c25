package tokenize

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/seq2seq/transformer/data"
)

// ReadLines reads a text file's lines (without "\n" or a final "\r", nor
// a byte-order mark at the start of the file), failing with the file and
// line number on invalid UTF-8 or a NUL byte.
func ReadLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read lines: %w", err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<26)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, data.BOM)
		}
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("%s:%d: invalid UTF-8", path, n)
		}
		if strings.IndexByte(line, 0) >= 0 {
			return nil, fmt.Errorf("%s:%d: NUL byte", path, n)
		}
		lines = append(lines, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return lines, nil
}

// CheckUTF8 returns an error naming name and the 1-based line of the
// first line that is not valid UTF-8.
func CheckUTF8(name string, lines []string) error {
	for i, l := range lines {
		if !utf8.ValidString(l) {
			return fmt.Errorf("%s:%d: invalid UTF-8", name, i+1)
		}
	}
	return nil
}
