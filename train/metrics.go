package train

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// Record is one line of metrics.jsonl. Loss is written with full float64
// precision (encoding/json's shortest round-trip form).
type Record struct {
	Step       int      `json:"step"`
	Loss       float64  `json:"loss"`
	LR         float64  `json:"lr"`
	TokensPerS float64  `json:"tokens_per_s"`
	GradNorm   float64  `json:"grad_norm"`
	ValidLoss  *float64 `json:"valid_loss,omitempty"`
	ValidBLEU  *float64 `json:"valid_bleu,omitempty"`
	ValidChrF  *float64 `json:"valid_chrf,omitempty"` // chrF2, for tokenizers other than words
	Skipped    bool     `json:"skipped,omitempty"`
	// GuidedLoss is the guided-alignment term (weight included) of Loss,
	// which is the loss optimised; written only with guided alignment on.
	GuidedLoss *float64 `json:"guided_loss,omitempty"`
}

// metricsFile appends records to metrics.jsonl, one per training step.
type metricsFile struct {
	f *os.File
	w *bufio.Writer
}

// openMetrics opens path for appending after dropping every record beyond
// step keep, so a run resumed from step keep rewrites the steps an
// interrupted run logged after its last checkpoint instead of repeating them.
// The file is cut with one truncate at the end of the last kept record, which
// needs no new space and cannot lose the records before it.
func openMetrics(path string, keep int) (*metricsFile, error) {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("read metrics %s: %w", path, err)
	}
	cut, err := keptPrefix(old, keep)
	if err != nil {
		return nil, fmt.Errorf("read metrics %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open metrics %s: %w", path, err)
	}
	if err := f.Truncate(int64(cut)); err != nil {
		f.Close()
		return nil, fmt.Errorf("truncate metrics %s: %w", path, err)
	}
	if _, err := f.Seek(int64(cut), io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("seek metrics %s: %w", path, err)
	}
	return &metricsFile{f: f, w: bufio.NewWriter(f)}, nil
}

// keptPrefix returns the length of the leading records of old with step <=
// keep. Records are in step order; a torn last line from a crash ends the
// prefix, any other unreadable line is an error naming it.
func keptPrefix(old []byte, keep int) (int, error) {
	off := 0
	for n := 1; off < len(old); n++ {
		end := bytes.IndexByte(old[off:], '\n')
		if end < 0 {
			return off, nil // torn final line
		}
		line := old[off : off+end]
		var r Record
		if err := json.Unmarshal(line, &r); err != nil {
			if off+end+1 == len(old) {
				return off, nil
			}
			return 0, fmt.Errorf("line %d: %w", n, err)
		}
		if r.Step > keep {
			return off, nil
		}
		off += end + 1
	}
	return off, nil
}

func (m *metricsFile) write(r Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	m.w.Write(b)
	return m.w.WriteByte('\n')
}

// flush makes every record so far durable; called before each checkpoint.
func (m *metricsFile) flush() error {
	if err := m.w.Flush(); err != nil {
		return fmt.Errorf("write metrics: %w", err)
	}
	return m.f.Sync()
}

func (m *metricsFile) close() error {
	if err := m.flush(); err != nil {
		m.f.Close()
		return err
	}
	return m.f.Close()
}
