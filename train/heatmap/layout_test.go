package heatmap

import (
	"image"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// layoutCases are maps of awkward shapes and labels for the layout tests.
var layoutCases = []struct {
	name string
	m    Map
	opt  Options
}{
	{"one cell", Map{Rows: []string{"x"}, Cols: []string{"y"}}, Options{}},
	{"one cell, titled", Map{Title: "a title much wider than the cells", Rows: []string{"x"}, Cols: []string{"y"}}, Options{}},
	{"one row of long tokens", Map{Rows: []string{"x"}, Cols: []string{"internationalisation", "b"}}, Options{}},
	{"one column, long tokens", Map{Rows: []string{"internationalisation", "b"}, Cols: []string{"y"}}, Options{}},
	{"smallest cells", Map{Rows: tokens("row", 7), Cols: tokens("column", 9)}, Options{CellSize: MinCellSize}},
	{"largest cells", Map{Rows: tokens("t", 2), Cols: tokens("s", 2)}, Options{CellSize: MaxCellSize}},
	{"tall", Map{Rows: tokens("t", 26), Cols: tokens("s", 2)}, Options{CellSize: 16}},
}

// TestLayoutMatchesPlot checks that gonum draws the cells exactly where the
// layout (and so CellCenter) says: the plot's data area, computed by gonum
// for the canvas area Render gives it, is the layout's cell area.
func TestLayoutMatchesPlot(t *testing.T) {
	for _, tt := range layoutCases {
		t.Run(tt.name, func(t *testing.T) {
			l := newLayout(tt.m, tt.opt)
			got := l.newPlot().DataCanvas(draw.Canvas{Rectangle: l.plotRect()}).Rectangle
			want := l.cellsRect()
			if !near(got.Min, want.Min) || !near(got.Max, want.Max) {
				t.Errorf("plot data area = %v, want cell area %v", got, want)
			}
			if want.Min.X < 0 || want.Min.Y < 0 || want.Max.X > vg.Length(l.width) || want.Max.Y > vg.Length(l.height) {
				t.Errorf("cell area %v outside the %dx%d image", want, l.width, l.height)
			}
		})
	}
}

func near(a, b vg.Point) bool {
	return math.Abs(float64(a.X-b.X)) < 1e-6 && math.Abs(float64(a.Y-b.Y)) < 1e-6
}

// TestCellCenter checks that cells tile a grid of CellSize pixels with row 0
// at the top and column 0 at the left.
func TestCellCenter(t *testing.T) {
	for _, tt := range layoutCases {
		t.Run(tt.name, func(t *testing.T) {
			cell := tt.opt.withDefaults().CellSize
			c00 := CellCenter(tt.m, tt.opt, 0, 0)
			l := newLayout(tt.m, tt.opt)
			if want := (image.Point{X: l.left + cell/2, Y: l.top + cell/2}); c00 != want {
				t.Errorf("CellCenter(0, 0) = %v, want %v", c00, want)
			}
			for i := range tt.m.Rows {
				for j := range tt.m.Cols {
					got := CellCenter(tt.m, tt.opt, i, j)
					if want := c00.Add(image.Point{X: j * cell, Y: i * cell}); got != want {
						t.Errorf("CellCenter(%d, %d) = %v, want %v", i, j, got, want)
					}
				}
			}
			last := CellCenter(tt.m, tt.opt, len(tt.m.Rows)-1, len(tt.m.Cols)-1)
			w, h := Size(tt.m, tt.opt)
			if !last.In(image.Rect(0, 0, w, h)) {
				t.Errorf("CellCenter of the last cell = %v, outside the %dx%d image", last, w, h)
			}
		})
	}
}

// TestSizeGrowsByCells checks that Size is margins plus CellSize per cell:
// one more row or column of equally long labels adds exactly one cell.
func TestSizeGrowsByCells(t *testing.T) {
	for _, cell := range []int{0, MinCellSize, 20, 45} {
		opt := Options{CellSize: cell}
		c := opt.withDefaults().CellSize
		w, h := Size(Map{Rows: tokens("t", 3), Cols: tokens("s", 4)}, opt)
		w2, h2 := Size(Map{Rows: tokens("t", 4), Cols: tokens("s", 6)}, opt)
		if w2-w != 2*c || h2-h != c {
			t.Errorf("CellSize %d: Size grew from %dx%d to %dx%d for 1 more row and 2 more columns, want +%d x +%d",
				cell, w, h, w2, h2, 2*c, c)
		}
	}
}

// TestSizeIgnoresValues checks that Size depends on the labels only.
func TestSizeIgnoresValues(t *testing.T) {
	m := Map{Title: "t", Rows: tokens("t", 3), Cols: tokens("s", 3), Values: eye(3)}
	w, h := Size(m, Options{})
	m.Values = flip(3)
	if w2, h2 := Size(m, Options{}); w2 != w || h2 != h {
		t.Errorf("Size changed from %dx%d to %dx%d with the values", w, h, w2, h2)
	}
}

// TestLongLabelsRotate checks that column labels too wide for a cell are
// drawn vertically and short ones are not.
func TestLongLabelsRotate(t *testing.T) {
	tests := []struct {
		cols []string
		cell int
		want bool
	}{
		{[]string{"a", "b"}, 32, false},
		{[]string{"a", "table"}, 32, true},
		{[]string{"a", "table"}, 96, false},
		{[]string{strings.Repeat("w", 40)}, 128, true},
		{[]string{strings.Repeat("w", 40)}, MaxCellSize, false}, // cut to 16 runes
	}
	for _, tt := range tests {
		l := newLayout(Map{Rows: []string{"x"}, Cols: tt.cols}, Options{CellSize: tt.cell})
		if l.rotateX != tt.want {
			t.Errorf("rotateX for columns %q, CellSize %d = %v, want %v", tt.cols, tt.cell, l.rotateX, tt.want)
		}
	}
}
