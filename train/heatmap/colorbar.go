package heatmap

import (
	"strconv"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// barTicks returns the weights to label on a colour bar of the given height
// whose labels are labelH tall: as many of the quarters as fit with a label's
// height of space between neighbours.
func barTicks(height, labelH vg.Length) []float64 {
	for _, ticks := range [][]float64{{0, 0.25, 0.5, 0.75, 1}, {0, 0.5, 1}} {
		if height/vg.Length(len(ticks)-1) >= 2*labelH {
			return ticks
		}
	}
	return []float64{0, 1}
}

// barLabel formats a colour bar tick: "0", "0.25", "1".
func barLabel(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// drawColorBar draws the colour scale to the right of the cells, as tall as
// they are, with weight 0 at the bottom.
func (l layout) drawColorBar(c draw.Canvas, cells vg.Rectangle, pal palette.Palette) {
	x0 := cells.Max.X + barGap
	x1 := x0 + barWidth
	h := cells.Max.Y - cells.Min.Y
	for y := vg.Length(0); y < h; y++ {
		r := vg.Rectangle{
			Min: vg.Point{X: x0, Y: cells.Min.Y + y},
			Max: vg.Point{X: x1, Y: min(cells.Min.Y+y+1, cells.Max.Y)},
		}
		c.SetColor(colorAt(pal, float64((y+0.5)/h)))
		c.Fill(r.Path())
	}
	frame(c, l.st.line, vg.Rectangle{Min: vg.Point{X: x0, Y: cells.Min.Y}, Max: vg.Point{X: x1, Y: cells.Max.Y}})

	sty := l.st.bar
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	for _, v := range l.barTicks {
		y := cells.Min.Y + vg.Length(v)*h
		c.StrokeLine2(l.st.line, x1, y, x1+barTick, y)
		c.FillText(sty, vg.Point{X: x1 + barTick + barLabelGap, Y: y}, barLabel(v))
	}
}

// frame strokes a one-pixel line just outside r, so that the line covers
// whole pixels and none of r.
func frame(c draw.Canvas, sty draw.LineStyle, r vg.Rectangle) {
	d := sty.Width / 2
	c.StrokeLines(sty, []vg.Point{
		{X: r.Min.X - d, Y: r.Min.Y - d},
		{X: r.Max.X + d, Y: r.Min.Y - d},
		{X: r.Max.X + d, Y: r.Max.Y + d},
		{X: r.Min.X - d, Y: r.Max.Y + d},
		{X: r.Min.X - d, Y: r.Min.Y - d},
	})
}
