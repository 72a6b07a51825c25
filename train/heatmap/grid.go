package heatmap

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// grid presents a row-major matrix as a plotter.GridXYZ: column c sits at
// x = c and row r at y = r. Row 0 is drawn at the top because the plot's y
// axis is inverted (see newPlot), not because the rows are reordered.
type grid [][]float64

var _ plotter.GridXYZ = grid(nil)

// Dims returns the number of columns and rows.
func (g grid) Dims() (c, r int) { return len(g[0]), len(g) }

// Z returns the value in column c of row r.
func (g grid) Z(c, r int) float64 { return g[r][c] }

// X returns the x coordinate of column c.
func (g grid) X(c int) float64 { return float64(c) }

// Y returns the y coordinate of row r.
func (g grid) Y(r int) float64 { return float64(r) }

// Min returns the low end of the colour scale, fixed for comparability.
func (g grid) Min() float64 { return 0 }

// Max returns the high end of the colour scale, fixed for comparability.
func (g grid) Max() float64 { return 1 }

// cells draws a heat map without reporting glyph boxes. plotter.HeatMap
// reports a 10-point box around every cell centre, which makes the plot
// shrink its data area for small cells; the cells never spill outside their
// own area, so cells leaves them out and the layout stays exact. It holds
// the heat map in a named field so that GlyphBoxes is not promoted.
type cells struct{ h *plotter.HeatMap }

// Plot draws the cells.
func (c cells) Plot(cv draw.Canvas, p *plot.Plot) { c.h.Plot(cv, p) }

// DataRange returns the extent of the cells in data coordinates.
func (c cells) DataRange() (xmin, xmax, ymin, ymax float64) { return c.h.DataRange() }
