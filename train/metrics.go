package train

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
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
	Skipped    bool     `json:"skipped,omitempty"`
}

// metricsFile appends records to metrics.jsonl, one per training step.
type metricsFile struct {
	f *os.File
	w *bufio.Writer
}

// openMetrics opens path for appending after dropping every record beyond
// step keep, so a run resumed from step keep rewrites the steps an
// interrupted run logged after its last checkpoint instead of repeating them.
func openMetrics(path string, keep int) (*metricsFile, error) {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("read metrics %s: %w", path, err)
	}
	var kept bytes.Buffer
	lines := bytes.Split(bytes.TrimRight(old, "\n"), []byte("\n"))
	for i, line := range lines {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var r Record
		if err := json.Unmarshal(line, &r); err != nil {
			// A torn last line from a crash is dropped; anything else is an error.
			if i == len(lines)-1 {
				continue
			}
			return nil, fmt.Errorf("read metrics %s line %d: %w", path, i+1, err)
		}
		if r.Step <= keep {
			kept.Write(line)
			kept.WriteByte('\n')
		}
	}
	if err := os.WriteFile(path, kept.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("rewrite metrics %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open metrics %s: %w", path, err)
	}
	return &metricsFile{f: f, w: bufio.NewWriter(f)}, nil
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
