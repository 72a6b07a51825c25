package curves

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/seq2seq/transformer/train"
)

// MetricsFile is the name of the metrics log in a run directory.
const MetricsFile = "metrics.jsonl"

// ReadFile reads the records of the metrics log at path; see Read.
func ReadFile(path string) ([]train.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read metrics: %w", err)
	}
	defer f.Close()
	recs, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("read metrics %s: %w", path, err)
	}
	return recs, nil
}

// Read decodes one train.Record a line, with non-finite values written as
// the strings "NaN", "+Inf" and "-Inf" as the trainer writes them. Blank
// lines are skipped. A final line without its newline that does not decode
// is a record the trainer is still writing and is left out; any other line
// that does not decode is an error naming its line number. No record at all
// is an error too.
func Read(r io.Reader) ([]train.Record, error) {
	br := bufio.NewReader(r)
	var recs []train.Record
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		torn := errors.Is(err, io.EOF)
		if text := bytes.TrimSpace(line); len(text) > 0 {
			var rec train.Record
			if derr := json.Unmarshal(text, &rec); derr != nil {
				if torn {
					break
				}
				return nil, fmt.Errorf("line %d: %w", n, derr)
			}
			recs = append(recs, rec)
		}
		if torn {
			break
		}
	}
	if len(recs) == 0 {
		return nil, errors.New("no records")
	}
	return recs, nil
}
