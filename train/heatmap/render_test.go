package heatmap

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestRenderCells draws a diagonal and an anti-diagonal (reordering) map and
// checks the image size and, at every cell centre, that cells of weight 1
// are dark, cells of weight 0 light, and both exactly the palette's colour.
func TestRenderCells(t *testing.T) {
	pal, err := scale()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		m    Map
		opt  Options
	}{
		{"diagonal", Map{Title: "diagonal", Rows: tokens("t", 4), Cols: tokens("s", 4), Values: eye(4)}, Options{}},
		{"anti-diagonal", Map{Title: "reordering", Rows: tokens("t", 5), Cols: tokens("s", 5), Values: flip(5)}, Options{}},
		{"small cells", Map{Rows: tokens("t", 3), Cols: tokens("s", 3), Values: flip(3)}, Options{CellSize: MinCellSize}},
		{"odd cell size with values", Map{Rows: tokens("t", 3), Cols: tokens("s", 3), Values: eye(3)}, Options{CellSize: 45, ShowValues: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "map.png")
			if err := WritePNG(path, tt.m, tt.opt); err != nil {
				t.Fatalf("WritePNG = %v", err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatalf("decode %s: %v", path, err)
			}

			w, h := Size(tt.m, tt.opt)
			if got, want := img.Bounds(), image.Rect(0, 0, w, h); got != want {
				t.Fatalf("image bounds = %v, want Size() = %v", got, want)
			}
			for i, row := range tt.m.Values {
				for j, v := range row {
					p := CellCenter(tt.m, tt.opt, i, j)
					if tt.opt.ShowValues {
						p.Y -= tt.opt.CellSize / 3 // above the number
					}
					got := img.At(p.X, p.Y)
					if want := colorAt(pal, v); !sameColor(got, want, 1) {
						t.Errorf("pixel %v of cell (%d, %d) = %v, want palette colour %v", p, i, j, got, want)
					}
					l := lightness(got)
					if v == 1 && l > 0.3 {
						t.Errorf("cell (%d, %d) of weight 1 has lightness %.2f, want dark (<= 0.3)", i, j, l)
					}
					if v == 0 && l < 0.9 {
						t.Errorf("cell (%d, %d) of weight 0 has lightness %.2f, want light (>= 0.9)", i, j, l)
					}
				}
			}
		})
	}
}

// TestRenderRowZeroAtTop checks the orientation directly: in an
// anti-diagonal map the top-right cell is dark and the top-left light.
func TestRenderRowZeroAtTop(t *testing.T) {
	m := Map{Rows: tokens("t", 3), Cols: tokens("s", 3), Values: flip(3)}
	img := render(t, m, Options{})
	l := newLayout(m, Options{})
	topLeft := image.Point{X: l.left + 2, Y: l.top + 2}
	topRight := image.Point{X: l.left + 3*DefaultCellSize - 3, Y: l.top + 2}
	if a, b := lightness(img.At(topRight.X, topRight.Y)), lightness(img.At(topLeft.X, topLeft.Y)); a >= b {
		t.Errorf("top-right cell lightness %.2f >= top-left %.2f, want row 0 (weight on the last column) at the top", a, b)
	}
}

// TestRenderCellEdges checks that cells fill exactly the pixels the layout
// gives them: the pixels just inside each corner of every cell have the
// cell's colour.
func TestRenderCellEdges(t *testing.T) {
	pal, err := scale()
	if err != nil {
		t.Fatal(err)
	}
	m := Map{Rows: tokens("t", 3), Cols: tokens("s", 4), Values: [][]float64{
		{0, 0.25, 0.5, 1},
		{1, 0.5, 0.25, 0},
		{0.1, 0.9, 0.3, 0.7},
	}}
	opt := Options{CellSize: 20}
	img := render(t, m, opt)
	l := newLayout(m, opt)
	for i, row := range m.Values {
		for j, v := range row {
			x0, y0 := l.left+j*opt.CellSize, l.top+i*opt.CellSize
			x1, y1 := x0+opt.CellSize-1, y0+opt.CellSize-1
			for _, p := range []image.Point{{x0, y0}, {x1, y0}, {x0, y1}, {x1, y1}} {
				if got, want := img.At(p.X, p.Y), colorAt(pal, v); !sameColor(got, want, 1) {
					t.Errorf("corner pixel %v of cell (%d, %d) = %v, want %v", p, i, j, got, want)
				}
			}
		}
	}
}

// TestRenderOutOfRange checks that weights outside [0, 1] are drawn in the
// colour of the nearer end rather than rejected or left blank.
func TestRenderOutOfRange(t *testing.T) {
	pal, err := scale()
	if err != nil {
		t.Fatal(err)
	}
	m := Map{Rows: []string{"a"}, Cols: []string{"x", "y"}, Values: [][]float64{{-0.5, 1.0000001}}}
	img := render(t, m, Options{})
	for j, want := range []float64{0, 1} {
		p := CellCenter(m, Options{}, 0, j)
		if got := img.At(p.X, p.Y); !sameColor(got, colorAt(pal, want), 1) {
			t.Errorf("cell (0, %d) = %v, want the colour of %v", j, got, want)
		}
	}
}

// TestShowValues checks that ShowValues writes into the cells when they are
// large enough to hold a number and leaves the image alone when not.
func TestShowValues(t *testing.T) {
	m := Map{Rows: tokens("t", 2), Cols: tokens("s", 2), Values: [][]float64{{1, 0.5}, {0.25, 0}}}
	tests := []struct {
		cell        int
		wantChanged bool
	}{
		{DefaultCellSize, true},
		{18, true},
		{17, false},
		{MinCellSize, false},
	}
	for _, tt := range tests {
		plain := render(t, m, Options{CellSize: tt.cell})
		shown := render(t, m, Options{CellSize: tt.cell, ShowValues: true})
		changed := 0
		for y := plain.Bounds().Min.Y; y < plain.Bounds().Max.Y; y++ {
			for x := plain.Bounds().Min.X; x < plain.Bounds().Max.X; x++ {
				if !sameColor(plain.At(x, y), shown.At(x, y), 0) {
					changed++
				}
			}
		}
		if (changed > 0) != tt.wantChanged {
			t.Errorf("CellSize %d: ShowValues changed %d pixels, want changed = %v", tt.cell, changed, tt.wantChanged)
		}
	}
}
