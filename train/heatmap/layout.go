package heatmap

import (
	"image"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// dpi is the resolution images are drawn at: one point is one pixel, so
// every length in the layout is a whole number of pixels.
const dpi = 72

// Fixed parts of the layout, in pixels.
const (
	pad         = 10 // blank border around everything
	titleGap    = 8  // between the title and the cells
	axisGap     = 6  // between an axis title and the tick labels
	barGap      = 14 // between the cells and the colour bar
	barWidth    = 14 // width of the colour bar
	barTick     = 4  // length of a colour bar tick
	barLabelGap = 3  // between a colour bar tick and its label
)

// Axis titles.
const (
	xTitle = "source"
	yTitle = "target"
)

// layout places every part of one image, in whole pixels. It depends on
// the labels, the title and the options, never on the values.
type layout struct {
	opt        Options // with defaults filled in
	st         styles
	rows, cols plot.ConstantTicks
	title      string // Map.Title as drawn
	rotateX    bool   // draw column labels vertically

	// axisLeft and axisBottom are the widths gonum's y axis and the height
	// of its x axis take (tick labels, tick marks and axis line).
	axisLeft, axisBottom vg.Length

	left, top     int // image pixel of the top-left corner of the cells
	width, height int // image size
	barTicks      []float64
}

// newLayout lays out m drawn with opt. It does not validate m: with
// mismatched labels it lays out the labels, not the values.
func newLayout(m Map, opt Options) layout {
	o := opt.withDefaults()
	st := newStyles(o.CellSize)
	has := glyphChecker(st.tick.Font)
	l := layout{
		opt:   o,
		st:    st,
		rows:  tokenTicks(m.Rows, has),
		cols:  tokenTicks(m.Cols, has),
		title: drawable(m.Title, glyphChecker(st.title.Font)),
	}
	l.rotateX = maxWidth(l.st.tick, l.cols) > vg.Length(o.CellSize-4)

	// Measure gonum's axes on a canvas far larger than needed; with no axis
	// padding and no glyph boxes their size does not depend on the canvas.
	huge := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: 1e6, Y: 1e6}}}
	data := l.newPlot().DataCanvas(huge)
	l.axisLeft, l.axisBottom = data.Min.X, data.Min.Y

	cell := o.CellSize
	l.left = pad + ceil(l.st.axisTitle.Height(yTitle)) + axisGap + ceil(l.axisLeft)
	l.top = pad
	if l.title != "" {
		l.top += ceil(l.st.title.Height(l.title)) + titleGap
	}
	bottom := ceil(l.axisBottom) + axisGap + ceil(l.st.axisTitle.Height(xTitle)) + pad

	l.barTicks = barTicks(vg.Length(len(l.rows)*cell), l.st.bar.Height("0"))
	var labelW vg.Length // room for every label barTicks may choose
	for _, v := range barTicks(math.MaxFloat32, 0) {
		labelW = max(labelW, l.st.bar.Width(barLabel(v)))
	}
	right := barGap + barWidth + barTick + barLabelGap + ceil(labelW) + pad

	l.width = l.left + len(l.cols)*cell + right
	l.height = l.top + len(l.rows)*cell + bottom
	if l.title != "" {
		if need := ceil(l.st.title.Width(l.title)) + 2*pad; need > l.width {
			l.left += (need - l.width) / 2
			l.width = need
		}
	}
	return l
}

// cellsRect returns the area of the cells in canvas coordinates (points,
// y up).
func (l layout) cellsRect() vg.Rectangle {
	cell := l.opt.CellSize
	return vg.Rectangle{
		Min: vg.Point{X: vg.Length(l.left), Y: vg.Length(l.height - l.top - len(l.rows)*cell)},
		Max: vg.Point{X: vg.Length(l.left + len(l.cols)*cell), Y: vg.Length(l.height - l.top)},
	}
}

// plotRect returns the canvas area to draw the gonum plot in: the cells
// plus its axes to the left and below.
func (l layout) plotRect() vg.Rectangle {
	r := l.cellsRect()
	r.Min.X -= l.axisLeft
	r.Min.Y -= l.axisBottom
	return r
}

// cellCenter returns the image pixel at the centre of a cell.
func (l layout) cellCenter(row, col int) image.Point {
	cell := l.opt.CellSize
	return image.Point{
		X: l.left + col*cell + cell/2,
		Y: l.top + row*cell + cell/2,
	}
}

// Size returns the width and height in pixels of the image Render draws for
// m and opt. It depends only on the labels, the title and opt.
func Size(m Map, opt Options) (width, height int) {
	l := newLayout(m, opt)
	return l.width, l.height
}

// CellCenter returns the image pixel (x right, y down from the top-left
// corner) at the centre of the cell in the given row and column: row 0 is
// the top row, column 0 the leftmost.
func CellCenter(m Map, opt Options, row, col int) image.Point {
	return newLayout(m, opt).cellCenter(row, col)
}

// ceil returns x rounded up to whole pixels.
func ceil(x vg.Length) int {
	return int(math.Ceil(float64(x)))
}
