package curves

import (
	"fmt"
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/seq2seq/transformer/train"
)

// Image size in pixels and resolution of the PNG Render writes.
const (
	WidthPx  = 900
	HeightPx = 1050
	DPI      = 96
)

// Colours of the curves.
var (
	rawLossColor = color.RGBA{R: 160, G: 190, B: 230, A: 255}
	lossColor    = color.RGBA{R: 31, G: 90, B: 180, A: 255}
	validColor   = color.RGBA{R: 200, G: 40, B: 40, A: 255}
	bleuColor    = color.RGBA{R: 30, G: 140, B: 60, A: 255}
	lrColor      = color.RGBA{R: 120, G: 60, B: 160, A: 255}
)

// Render draws recs as a WidthPx x HeightPx PNG into w: training loss (raw
// and a running mean) with validation loss, validation BLEU, and the
// learning rate, in three panels over the same steps. title heads the
// first panel.
func Render(w io.Writer, recs []train.Record, title string) error {
	if len(recs) == 0 {
		return fmt.Errorf("render curves: no records")
	}
	s := seriesOf(recs)
	panels, err := s.panels(title)
	if err != nil {
		return fmt.Errorf("render curves: %w", err)
	}
	px := vg.Length(72.0 / DPI) // one pixel in points
	c := vgimg.NewWith(vgimg.UseWH(WidthPx*px, HeightPx*px), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: len(panels), Cols: 1, PadTop: 4, PadBottom: 4, PadLeft: 4, PadRight: 8, PadY: 10}
	grid := make([][]*plot.Plot, len(panels))
	for i, p := range panels {
		grid[i] = []*plot.Plot{p}
	}
	for i, row := range plot.Align(grid, tiles, dc) {
		panels[i].Draw(row[0])
	}
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(w); err != nil {
		return fmt.Errorf("render curves: %w", err)
	}
	return nil
}

// panels builds the loss, BLEU and learning-rate plots.
func (s *series) panels(title string) ([]*plot.Plot, error) {
	loss := s.newPanel("loss")
	loss.Title.Text = title
	if s.dropped > 0 {
		loss.Title.Text += fmt.Sprintf(" (%d non-finite values not drawn)", s.dropped)
	}
	bleu := s.newPanel("valid BLEU")
	bleu.Legend.Top = false // BLEU rises: its top right is where the curve ends
	lr := s.newPanel("learning rate")
	lr.X.Label.Text = "step"
	type curve struct {
		p      *plot.Plot
		name   string
		xys    plotter.XYs
		col    color.Color
		width  vg.Length
		points bool
	}
	curves := []curve{{loss, "train loss", s.loss, lossColor, 2, false}}
	if w := smoothWindow(len(s.loss)); w > 1 {
		curves = []curve{
			{loss, "train loss", s.loss, rawLossColor, 1, false},
			{loss, fmt.Sprintf("train loss, mean of %d steps", w), s.smooth, lossColor, 2, false},
		}
	}
	curves = append(curves,
		curve{loss, "valid loss", s.validLoss, validColor, 2, true},
		curve{bleu, "valid BLEU", s.validBLEU, bleuColor, 2, true},
		curve{lr, "learning rate", s.lr, lrColor, 2, false})
	for _, c := range curves {
		if err := addLine(c.p, c.name, c.xys, c.col, c.width, c.points); err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
	}
	return []*plot.Plot{loss, bleu, lr}, nil
}

// newPanel returns an empty plot over the run's steps with a grid and a
// legend in its top right corner.
func (s *series) newPanel(ylabel string) *plot.Plot {
	p := plot.New()
	p.Y.Label.Text = ylabel
	p.X.Min, p.X.Max = s.minStep, s.maxStep
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	return p
}

// addLine draws xys on p as a line (with markers when points) and names it
// in the legend; nothing is drawn for no points.
func addLine(p *plot.Plot, name string, xys plotter.XYs, col color.Color, width vg.Length, points bool) error {
	if len(xys) == 0 {
		return nil
	}
	line, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	line.Color, line.Width = col, width
	p.Add(line)
	if !points {
		p.Legend.Add(name, line)
		return nil
	}
	marks, err := plotter.NewScatter(xys)
	if err != nil {
		return err
	}
	marks.Color, marks.Shape, marks.Radius = col, draw.CircleGlyph{}, 3
	p.Add(marks)
	p.Legend.Add(name, line, marks)
	return nil
}
