package heatmap

import (
	"errors"
	"fmt"
	"math"
)

// Validation errors returned (wrapped) by Render and WritePNG; test for them
// with errors.Is.
var (
	ErrEmpty     = errors.New("empty matrix")
	ErrRagged    = errors.New("ragged matrix")
	ErrLabels    = errors.New("label count mismatch")
	ErrNotFinite = errors.New("value not finite")
)

// Map is one attention matrix to draw.
type Map struct {
	// Title is drawn above the cells; it may be empty.
	Title string
	// Rows labels the rows: the generated target tokens, drawn top to
	// bottom in order. Cols labels the columns: the source tokens, drawn
	// left to right.
	Rows, Cols []string
	// Values is len(Rows) x len(Cols): Values[i][j] is the attention that
	// target token i paid to source token j, a weight in [0, 1].
	Values [][]float64
	// Gold and Predicted are cells to mark over the map (overlay.go), for
	// example a sentence's gold word alignment and the links taken from
	// the attention: a gold cell is framed, a predicted one gets a dot.
	// Both may be empty; a cell outside the matrix is an ErrLabels error.
	Gold, Predicted []Cell
}

// validate reports the first reason m cannot be drawn.
func (m Map) validate() error {
	if len(m.Values) == 0 || len(m.Values[0]) == 0 {
		return fmt.Errorf("%w: %d rows, %d columns", ErrEmpty, len(m.Values), firstLen(m.Values))
	}
	cols := len(m.Values[0])
	for i, row := range m.Values {
		if len(row) != cols {
			return fmt.Errorf("%w: row %d has %d values, want %d", ErrRagged, i, len(row), cols)
		}
	}
	if len(m.Rows) != len(m.Values) {
		return fmt.Errorf("%w: %d row labels for %d rows", ErrLabels, len(m.Rows), len(m.Values))
	}
	if len(m.Cols) != cols {
		return fmt.Errorf("%w: %d column labels for %d columns", ErrLabels, len(m.Cols), cols)
	}
	if err := checkCells("gold", m.Gold, len(m.Values), cols); err != nil {
		return err
	}
	if err := checkCells("predicted", m.Predicted, len(m.Values), cols); err != nil {
		return err
	}
	for i, row := range m.Values {
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: value %v at row %d (%q), column %d (%q)",
					ErrNotFinite, v, i, m.Rows[i], j, m.Cols[j])
			}
		}
	}
	return nil
}

// firstLen returns the length of the first row of v, or 0 if v has none.
func firstLen(v [][]float64) int {
	if len(v) == 0 {
		return 0
	}
	return len(v[0])
}
