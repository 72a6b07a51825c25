package heatmap

import (
	"errors"
	"image"
	"testing"
)

// changedIn counts the pixels of the cell (row, col) that differ between
// two renderings of m.
func changedIn(a, b image.Image, m Map, opt Options, row, col int) int {
	size := opt.withDefaults().CellSize
	c := CellCenter(m, opt, row, col)
	n := 0
	for y := c.Y - size/2; y < c.Y+size/2; y++ {
		for x := c.X - size/2; x < c.X+size/2; x++ {
			if !sameColor(a.At(x, y), b.At(x, y), 0) {
				n++
			}
		}
	}
	return n
}

// TestOverlayMarksLinkedCells checks that gold cells are framed and
// predicted cells dotted: the pixels of exactly the linked cells change
// (a gold frame along the cell's edge, a dot at its centre), on light and
// on dark cells, and nothing else in the cell grid does.
func TestOverlayMarksLinkedCells(t *testing.T) {
	opt := Options{}
	plain := Map{Title: "overlay", Rows: tokens("t", 3), Cols: tokens("s", 3), Values: eye(3)}
	base := render(t, plain, opt)
	marked := plain
	marked.Gold = []Cell{{Row: 0, Col: 0}, {Row: 1, Col: 2}}      // dark (1) and light (0) cells
	marked.Predicted = []Cell{{Row: 2, Col: 2}, {Row: 2, Col: 0}} // dark and light
	img := render(t, marked, opt)
	linked := map[Cell]bool{{0, 0}: true, {1, 2}: true, {2, 2}: true, {2, 0}: true}
	for row := range 3 {
		for col := range 3 {
			n := changedIn(base, img, plain, opt, row, col)
			switch {
			case linked[Cell{row, col}] && n < 20:
				t.Errorf("cell (%d, %d): %d pixels changed, want a visible mark", row, col, n)
			case !linked[Cell{row, col}] && n != 0:
				t.Errorf("cell (%d, %d): %d pixels changed, want none", row, col, n)
			}
		}
	}
	// A gold frame leaves the centre alone; a dot is at the centre.
	size := DefaultCellSize
	for _, tc := range []struct {
		cell         Cell
		centre, edge bool
	}{{Cell{0, 0}, false, true}, {Cell{2, 2}, true, false}} {
		c := CellCenter(plain, opt, tc.cell.Row, tc.cell.Col)
		centre := !sameColor(base.At(c.X, c.Y), img.At(c.X, c.Y), 0)
		edge := !sameColor(base.At(c.X-size/2+3, c.Y), img.At(c.X-size/2+3, c.Y), 0)
		if centre != tc.centre || edge != tc.edge {
			t.Errorf("cell %v: centre changed %v, edge changed %v; want %v, %v", tc.cell, centre, edge, tc.centre, tc.edge)
		}
	}
}

func TestOverlayRejectsCellsOutside(t *testing.T) {
	m := Map{Rows: tokens("t", 2), Cols: tokens("s", 3), Values: [][]float64{{1, 0, 0}, {0, 1, 0}}}
	for _, tc := range []struct {
		name       string
		gold, pred []Cell
	}{
		{"gold row", []Cell{{Row: 2, Col: 0}}, nil},
		{"predicted column", nil, []Cell{{Row: 0, Col: 3}}},
		{"negative", []Cell{{Row: -1, Col: 0}}, nil},
	} {
		m.Gold, m.Predicted = tc.gold, tc.pred
		if err := m.validate(); !errors.Is(err, ErrLabels) {
			t.Errorf("%s: validate() = %v, want ErrLabels", tc.name, err)
		}
	}
}
