package heatmap

import (
	"image/color"
	"math"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ink is the colour of all lines and text outside the cells.
var ink = color.Gray{Y: 0x20}

// styles holds the text styles of one rendering; sizes scale with the cell.
type styles struct {
	tick      text.Style // row and column labels
	bar       text.Style // colour bar labels
	axisTitle text.Style // "source" and "target"
	title     text.Style // Map.Title
	value     text.Style // numbers inside the cells
	line      draw.LineStyle
}

// newStyles returns the styles for cells of the given size in pixels.
func newStyles(cell int) styles {
	c := float64(cell)
	sans := func(size float64, weight xfont.Weight) text.Style {
		return text.Style{
			Color:   ink,
			Font:    font.Font{Typeface: "Liberation", Variant: "Sans", Weight: weight, Size: vg.Length(size)},
			XAlign:  draw.XCenter,
			YAlign:  draw.YCenter,
			Handler: plot.DefaultTextHandler,
		}
	}
	centred := func(sty text.Style) text.Style {
		sty.YAlign = centerAlign(sty)
		return sty
	}
	return styles{
		// Tick labels keep draw.YCenter: gonum's axes offset them by the
		// font's descent, which centres them already.
		tick:      sans(clamp(math.Round(c*0.42), 9, 14), xfont.WeightNormal),
		bar:       centred(sans(11, xfont.WeightNormal)),
		axisTitle: centred(sans(14, xfont.WeightNormal)),
		title:     centred(sans(16, xfont.WeightBold)),
		value:     centred(sans(clamp(math.Round(c*0.32), 8, 12), xfont.WeightNormal)),
		line:      draw.LineStyle{Color: ink, Width: 1},
	}
}

// clamp limits v to [lo, hi].
func clamp(v, lo, hi float64) float64 {
	return math.Max(lo, math.Min(hi, v))
}

// centerAlign returns the YAlign that centres the letters of sty on the
// anchor point. text.Plain sets the baseline at
// anchor + (ascent+descent)*YAlign - ascent + size, which with draw.YCenter
// leaves the letters a sixth of the font size off centre: visible as
// rotated column labels sitting beside their ticks. Letters look centred
// when the baseline is 0.3 of the font size below the anchor, halfway
// between the middle of a lower-case letter and of a capital.
func centerAlign(sty text.Style) text.YAlignment {
	e := sty.FontExtents()
	size := sty.Font.Size
	return text.YAlignment((e.Ascent - 1.3*size) / (e.Ascent + e.Descent))
}
