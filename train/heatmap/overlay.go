package heatmap

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Cell names one cell of a Map for an overlay: Row indexes Rows (a target
// token), Col indexes Cols (a source token). A word alignment link i-j is
// Cell{Row: j, Col: i}.
type Cell struct{ Row, Col int }

// goldColor frames gold cells: Okabe and Ito's vermillion, which stands
// out from every shade of the blue scale.
var goldColor = color.RGBA{0xd5, 0x5e, 0x00, 0xff}

// checkCells reports the first cell of cs outside an r × c matrix; what
// names the overlay in the error.
func checkCells(what string, cs []Cell, r, c int) error {
	for _, x := range cs {
		if x.Row < 0 || x.Row >= r || x.Col < 0 || x.Col >= c {
			return fmt.Errorf("%w: %s cell (row %d, column %d) outside %d×%d", ErrLabels, what, x.Row, x.Col, r, c)
		}
	}
	return nil
}

// drawOverlay draws the map's gold cells as a vermillion square just
// inside the cell and its predicted cells as a dot at the centre, white on
// dark cells and ink on light ones.
func (l layout) drawOverlay(c draw.Canvas, m Map, pal palette.Palette) {
	r := l.cellsRect()
	cell := vg.Length(l.opt.CellSize)
	box := func(x Cell) vg.Rectangle { // Y grows upwards: row 0 is the top row
		lo := vg.Point{X: r.Min.X + vg.Length(x.Col)*cell, Y: r.Max.Y - vg.Length(x.Row+1)*cell}
		return vg.Rectangle{Min: lo, Max: vg.Point{X: lo.X + cell, Y: lo.Y + cell}}
	}
	width := max(cell/12, 2)
	frame := draw.LineStyle{Color: goldColor, Width: width}
	for _, x := range m.Gold {
		b := box(x)
		in := width/2 + 1
		c.StrokeLines(frame, []vg.Point{
			{X: b.Min.X + in, Y: b.Min.Y + in}, {X: b.Max.X - in, Y: b.Min.Y + in},
			{X: b.Max.X - in, Y: b.Max.Y - in}, {X: b.Min.X + in, Y: b.Max.Y - in},
			{X: b.Min.X + in, Y: b.Min.Y + in},
		})
	}
	radius := max(cell/7, 2)
	for _, x := range m.Predicted {
		b := box(x)
		centre := vg.Point{X: (b.Min.X + b.Max.X) / 2, Y: (b.Min.Y + b.Max.Y) / 2}
		dot := draw.GlyphStyle{Color: textColor(colorAt(pal, m.Values[x.Row][x.Col])), Radius: radius, Shape: draw.CircleGlyph{}}
		c.DrawGlyph(dot, centre)
	}
}
