package train

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a strings.Builder safe for the bar and the log to share.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// renderTerminal returns the lines a terminal shows for out: a carriage
// return moves back to the start of the line, later characters overwrite
// earlier ones, and trailing blanks are dropped.
func renderTerminal(out string) []string {
	var lines []string
	var line []rune
	col := 0
	for _, c := range out {
		switch c {
		case '\n':
			lines = append(lines, strings.TrimRight(string(line), " "))
			line, col = line[:0], 0
		case '\r':
			col = 0
		default:
			if col < len(line) {
				line[col] = c
			} else {
				line = append(line, c)
			}
			col++
		}
	}
	return append(lines, strings.TrimRight(string(line), " "))
}

// TestProgressBarClearedBeforeLogLines trains with the progress bar drawn
// on every step into a writer that is not a terminal, shared with the log
// as a terminal shares stdout and stderr, and checks that every log line
// shows alone on its line: the bar is cleared before it is written.
func TestProgressBarClearedBeforeLogLines(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	old := barThrottle
	barThrottle = 0
	defer func() { barThrottle = old }()
	for _, bar := range []bool{true, false} {
		t.Run(fmt.Sprintf("bar=%v", bar), func(t *testing.T) {
			cfg := microConfig(t, t.TempDir())
			cfg.Train.Steps, cfg.Train.EvalEvery = 12, 3
			var out syncBuffer
			if _, err := Run(t.Context(), cfg, Options{Stdout: &out, Log: &out, Progress: bar}); err != nil {
				t.Fatal(err)
			}
			raw := out.String()
			if got := strings.Contains(raw, "/12)"); got != bar { // the bar shows "(step/12)"
				t.Fatalf("bar drawn %v, want %v:\n%q", got, bar, raw)
			}
			evals := 0
			for _, l := range renderTerminal(raw) {
				if !strings.Contains(l, "valid loss") {
					continue
				}
				evals++
				if !strings.HasPrefix(l, "step ") || strings.Contains(l, "/12)") || strings.Count(l, "step ") != 1 {
					t.Errorf("log line shares its line with other output: %q", l)
				}
			}
			if evals != cfg.Train.Steps/cfg.Train.EvalEvery {
				t.Errorf("%d evaluation lines shown, want %d:\n%s", evals, cfg.Train.Steps/cfg.Train.EvalEvery, strings.Join(renderTerminal(raw), "\n"))
			}
		})
	}
}
