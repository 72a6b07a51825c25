package heatmap

import (
	"fmt"
	"image/color"
	"slices"
	"sync"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
)

// paletteSize is the number of colours the scale is divided into.
const paletteSize = 256

// blues are the control colours of ColorBrewer's sequential "Blues" scheme,
// darkest first so that their luminance increases as moreland requires.
var blues = []color.Color{
	color.RGBA{0x08, 0x30, 0x6b, 0xff},
	color.RGBA{0x08, 0x51, 0x9c, 0xff},
	color.RGBA{0x21, 0x71, 0xb5, 0xff},
	color.RGBA{0x42, 0x92, 0xc6, 0xff},
	color.RGBA{0x6b, 0xae, 0xd6, 0xff},
	color.RGBA{0x9e, 0xca, 0xe1, 0xff},
	color.RGBA{0xc6, 0xdb, 0xef, 0xff},
	color.RGBA{0xde, 0xeb, 0xf7, 0xff},
	color.RGBA{0xf7, 0xfb, 0xff, 0xff},
}

// scale is the colour scale: paletteSize colours from near white (weight 0)
// to dark blue (weight 1), interpolated so that lightness falls linearly
// with the weight.
var scale = sync.OnceValues(func() (palette.Palette, error) {
	cm, err := moreland.NewLuminance(blues)
	if err != nil {
		return nil, fmt.Errorf("build colour scale: %w", err)
	}
	cols := cm.Palette(paletteSize).Colors()
	slices.Reverse(cols)
	return colors(cols), nil
})

// colors is a palette.Palette over a fixed slice.
type colors []color.Color

// Colors returns the colours, lightest first.
func (c colors) Colors() []color.Color { return c }

// colorAt returns the colour pal gives weight v, mapped the way
// plotter.HeatMap maps it over the range [0, 1]; v outside that range takes
// the colour of the nearer end.
func colorAt(pal palette.Palette, v float64) color.Color {
	cs := pal.Colors()
	i := int(clamp(v, 0, 1)*float64(len(cs)-1) + 0.5)
	return cs[i]
}

// textColor returns the colour that reads best on background bg: white on
// dark cells, the ink colour on light ones.
func textColor(bg color.Color) color.Color {
	r, g, b, _ := bg.RGBA()
	// Relative luminance with sRGB weights, on the 16-bit channels.
	lum := (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
	if lum < 0.5 {
		return color.White
	}
	return ink
}
