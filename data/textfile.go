package data

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// MaxLineBytes bounds one line of a corpus file. A longer line is not kept
// in memory (it could not pass any sensible data.max_len anyway): the pair
// it belongs to is dropped and counted (see ReadParallelReport). translate
// applies the same bound to its input lines.
const MaxLineBytes = 1 << 20

// BOM is the UTF-8 byte-order mark; readers drop it at the start of a file.
const BOM = "\ufeff"

// lineReader reads lines of a text file with a bound on their length,
// dropping a byte-order mark at the start and rejecting NUL bytes.
type lineReader struct {
	r      *bufio.Reader
	path   string
	n      int  // lines read
	hadBOM bool // the file started with a byte-order mark
}

// newLineReader reads r, the contents of path (named in errors).
func newLineReader(r io.Reader, path string) *lineReader {
	br := bufio.NewReaderSize(r, 1<<16)
	lr := &lineReader{r: br, path: path}
	if b, err := br.Peek(len(BOM)); err == nil && string(b) == BOM {
		br.Discard(len(BOM))
		lr.hadBOM = true
	}
	return lr
}

// next returns the next line without its "\n" (nil at the end of input);
// long reports a line over MaxLineBytes, of which nothing is returned.
func (lr *lineReader) next() (line []byte, long, ok bool, err error) {
	var kept []byte
	read := false
	for {
		chunk, rerr := lr.r.ReadSlice('\n')
		if len(chunk) > 0 {
			read = true
			if !long {
				if len(kept)+len(chunk) > MaxLineBytes+1 { // +1: the "\n"
					long, kept = true, nil
				} else {
					kept = append(kept, chunk...)
				}
			}
		}
		switch rerr {
		case bufio.ErrBufferFull:
			continue
		case nil, io.EOF:
			if !read {
				return nil, false, false, nil
			}
			lr.n++
			line = bytes.TrimSuffix(kept, []byte("\n"))
			if i := bytes.IndexByte(line, 0); i >= 0 {
				return nil, false, false, fmt.Errorf("read %s line %d: NUL byte at column %d (a binary file?)", lr.path, lr.n, i+1)
			}
			return line, long, true, nil
		default:
			return nil, false, false, fmt.Errorf("read %s line %d: %w", lr.path, lr.n+1, rerr)
		}
	}
}
