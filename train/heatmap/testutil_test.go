package heatmap

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// eye returns the n x n identity: target token i attends to source token i.
func eye(n int) [][]float64 {
	v := make([][]float64, n)
	for i := range v {
		v[i] = make([]float64, n)
		v[i][i] = 1
	}
	return v
}

// flip returns the n x n anti-diagonal: the target reverses the source.
func flip(n int) [][]float64 {
	v := make([][]float64, n)
	for i := range v {
		v[i] = make([]float64, n)
		v[i][n-1-i] = 1
	}
	return v
}

// tokens returns n distinct labels with the given prefix.
func tokens(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + string(rune('a'+i))
	}
	return out
}

// render draws m and decodes the PNG, failing the test on any error.
func render(t *testing.T, m Map, opt Options) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, m, opt); err != nil {
		t.Fatalf("Render(%q) = %v", m.Title, err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("decode Render(%q) output: %v", m.Title, err)
	}
	return img
}

// lightness returns the relative luminance of c in [0, 1].
func lightness(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}

// sameColor reports whether a and b are equal to within tol on each 8-bit
// channel.
func sameColor(a, b color.Color, tol int) bool {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	for _, d := range []int{int(ar>>8) - int(br>>8), int(ag>>8) - int(bg>>8), int(ab>>8) - int(bb>>8), int(aa>>8) - int(ba>>8)} {
		if d < -tol || d > tol {
			return false
		}
	}
	return true
}
