package heatmap

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Render draws m as a PNG image of Size(m, opt) pixels and writes it to w.
// It returns an error wrapping ErrEmpty, ErrRagged, ErrLabels or
// ErrNotFinite if m cannot be drawn, or describing a bad option.
func Render(w io.Writer, m Map, opt Options) error {
	if err := m.validate(); err != nil {
		return fmt.Errorf("render heatmap %q: %w", m.Title, err)
	}
	opt = opt.withDefaults()
	if err := opt.validate(); err != nil {
		return fmt.Errorf("render heatmap %q: %w", m.Title, err)
	}
	pal, err := scale()
	if err != nil {
		return fmt.Errorf("render heatmap %q: %w", m.Title, err)
	}

	l := newLayout(m, opt)
	img := vgimg.NewWith(vgimg.UseWH(vg.Length(l.width), vg.Length(l.height)), vgimg.UseDPI(dpi))
	c := draw.New(img)

	p := l.newPlot()
	hm := plotter.NewHeatMap(grid(m.Values), pal)
	cs := pal.Colors()
	hm.Underflow, hm.Overflow = cs[0], cs[len(cs)-1]
	p.Add(cells{hm})
	p.Draw(draw.Canvas{Canvas: img, Rectangle: l.plotRect()})

	r := l.cellsRect()
	frame(c, l.st.line, r)
	if opt.ShowValues && l.valuesFit() {
		l.drawValues(c, p, m.Values, pal)
	}
	l.drawOverlay(c, m, pal)
	l.drawColorBar(c, r, pal)
	l.drawTitles(c, r)

	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w); err != nil {
		return fmt.Errorf("render heatmap %q: write png: %w", m.Title, err)
	}
	return nil
}

// drawValues writes each weight in its cell, in white on dark cells and in
// ink on light ones. Weights that round to zero are left out.
func (l layout) drawValues(c draw.Canvas, p *plot.Plot, values [][]float64, pal palette.Palette) {
	data := draw.Canvas{Canvas: c.Canvas, Rectangle: l.cellsRect()}
	x, y := p.Transforms(&data)
	sty := l.st.value
	for i, row := range values {
		for j, v := range row {
			s := valueLabel(v)
			if s == "" {
				continue
			}
			sty.Color = textColor(colorAt(pal, v))
			c.FillText(sty, vg.Point{X: x(float64(j)), Y: y(float64(i))}, s)
		}
	}
}

// valuesFit reports whether the widest value labels fit inside a cell with
// a pixel to spare on each side.
func (l layout) valuesFit() bool {
	w := max(l.st.value.Width("1.00"), l.st.value.Width("-.00"))
	return w <= vg.Length(l.opt.CellSize-2)
}

// valueLabel formats a weight to two decimals without the leading zero
// (".07", "1.00"), or returns "" if it rounds to zero.
func valueLabel(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	switch s {
	case "0.00", "-0.00":
		return ""
	}
	if neg, ok := strings.CutPrefix(s, "-0."); ok {
		return "-." + neg
	}
	return strings.TrimPrefix(s, "0")
}

// drawTitles writes the map's title centred above the cells, "target"
// along the rows and "source" under the columns.
func (l layout) drawTitles(c draw.Canvas, cells vg.Rectangle) {
	mid := vg.Point{X: (cells.Min.X + cells.Max.X) / 2, Y: (cells.Min.Y + cells.Max.Y) / 2}

	sty := l.st.axisTitle
	h := sty.Height(xTitle)
	c.FillText(sty, vg.Point{X: mid.X, Y: pad + h/2}, xTitle)

	sty.Rotation = math.Pi / 2
	c.FillText(sty, vg.Point{X: pad + sty.Height(yTitle)/2, Y: mid.Y}, yTitle)

	if l.title != "" {
		// Centred over the cells, but kept inside the image.
		sty := l.st.title
		half := sty.Width(l.title) / 2
		x := min(max(mid.X, pad+half), vg.Length(l.width-pad)-half)
		c.FillText(sty, vg.Point{X: x, Y: vg.Length(l.height) - pad - sty.Height(l.title)/2}, l.title)
	}
}
