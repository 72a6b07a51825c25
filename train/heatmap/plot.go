package heatmap

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
)

// newPlot returns a plot with the axes of l and no data: token tick labels
// on both axes, column labels rotated if l says so, and an inverted y axis
// so that row 0 is at the top.
func (l layout) newPlot() *plot.Plot {
	p := plot.New()
	p.BackgroundColor = nil // the canvas is already white
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Padding = 0 // cells touch the axis lines
		ax.LineStyle = l.st.line
		ax.Tick.LineStyle = l.st.line
		ax.Tick.Length = 4
		ax.Tick.Label = l.st.tick
		ax.Label.TextStyle = l.st.tick // its " " is the gap before ticks
	}
	p.X.Min, p.X.Max = -0.5, float64(len(l.cols))-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(len(l.rows))-0.5
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}}

	p.X.Tick.Marker = l.cols
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XCenter, draw.YTop
	if l.rotateX {
		// A quarter turn anticlockwise: read bottom to top, ending at the
		// tick. gonum anchors tick labels one font descent higher than a
		// rotated label needs, which would cover the tick marks; a
		// trailing space, a little wider than the descent, moves the text
		// clear of them.
		p.X.Tick.Marker = padLabels(l.cols, " ")
		p.X.Tick.Label.Rotation = math.Pi / 2
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, centerAlign(p.X.Tick.Label)
	}
	p.Y.Tick.Marker = l.rows
	p.Y.Tick.Label.XAlign, p.Y.Tick.Label.YAlign = draw.XRight, draw.YCenter
	return p
}

// padLabels returns a copy of ticks with suffix appended to every label.
func padLabels(ticks plot.ConstantTicks, suffix string) plot.ConstantTicks {
	out := make(plot.ConstantTicks, len(ticks))
	for i, t := range ticks {
		out[i] = plot.Tick{Value: t.Value, Label: t.Label + suffix}
	}
	return out
}
