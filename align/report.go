package align

import (
	"fmt"
	"io"
	"strings"
)

// Report holds alignment counts of every decoder layer and head on one
// corpus: Heads[l][h] for head h of layer l, Average[l] for the average of
// layer l's heads.
type Report struct {
	Heads   [][]Counts
	Average []Counts
}

// NewReport returns an empty report for layers × heads.
func NewReport(layers, heads int) *Report {
	r := &Report{Heads: make([][]Counts, layers), Average: make([]Counts, layers)}
	for l := range r.Heads {
		r.Heads[l] = make([]Counts, heads)
	}
	return r
}

// Add scores one sentence pair: att is its attention [layer][head][target
// word][source word], extracted with Argmax, against gold.
func (r *Report) Add(att [][][][]float64, gold []Link) error {
	if len(att) != len(r.Heads) {
		return fmt.Errorf("report: %d layers, want %d", len(att), len(r.Heads))
	}
	for l, heads := range att {
		if len(heads) != len(r.Heads[l]) {
			return fmt.Errorf("report: layer %d has %d heads, want %d", l, len(heads), len(r.Heads[l]))
		}
		for h, m := range heads {
			r.Heads[l][h].Add(Count(Argmax(m), gold))
		}
		avg, err := Average(heads...)
		if err != nil {
			return fmt.Errorf("report: layer %d: %w", l, err)
		}
		r.Average[l].Add(Count(Argmax(avg), gold))
	}
	return nil
}

// BestHead returns the single head of lowest AER and its layer, the lower
// layer and head on ties (-1, -1 for an empty report).
func (r *Report) BestHead() (layer, head int, c Counts) {
	layer, head = -1, -1
	for l, hs := range r.Heads {
		for h, x := range hs {
			if layer < 0 || x.AER() < c.AER() {
				layer, head, c = l, h, x
			}
		}
	}
	return layer, head, c
}

// BestAverage returns the layer whose average of heads has the lowest AER,
// the lower on ties (-1 for an empty report).
func (r *Report) BestAverage() (layer int, c Counts) {
	layer = -1
	for l, x := range r.Average {
		if layer < 0 || x.AER() < c.AER() {
			layer, c = l, x
		}
	}
	return layer, c
}

// Write prints the report as a Markdown table of AER in percent, one row
// per layer, one column per head and one for the heads' average.
func (r *Report) Write(w io.Writer) error {
	var b strings.Builder
	heads := 0
	if len(r.Heads) > 0 {
		heads = len(r.Heads[0])
	}
	b.WriteString("| AER % | ")
	for h := range heads {
		fmt.Fprintf(&b, "head %d | ", h)
	}
	b.WriteString("average |\n|---|")
	b.WriteString(strings.Repeat("---|", heads+1))
	b.WriteByte('\n')
	for l, hs := range r.Heads {
		fmt.Fprintf(&b, "| layer %d | ", l)
		for _, c := range hs {
			fmt.Fprintf(&b, "%.1f | ", 100*c.AER())
		}
		fmt.Fprintf(&b, "%.1f |\n", 100*r.Average[l].AER())
	}
	_, err := io.WriteString(w, b.String())
	return err
}
