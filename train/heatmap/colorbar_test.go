package heatmap

import (
	"reflect"
	"testing"

	"gonum.org/v1/plot/vg"
)

func TestBarTicks(t *testing.T) {
	tests := []struct {
		height, labelH float64
		want           []float64
	}{
		{320, 13, []float64{0, 0.25, 0.5, 0.75, 1}},
		{104, 13, []float64{0, 0.25, 0.5, 0.75, 1}},
		{103, 13, []float64{0, 0.5, 1}},
		{52, 13, []float64{0, 0.5, 1}},
		{32, 13, []float64{0, 1}},
	}
	for _, tt := range tests {
		got := barTicks(vgLength(tt.height), vgLength(tt.labelH))
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("barTicks(%v, %v) = %v, want %v", tt.height, tt.labelH, got, tt.want)
		}
	}
}

func TestValueLabel(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, ""},
		{0.004, ""},
		{0.005, ".01"},
		{0.07, ".07"},
		{0.754, ".75"},
		{1, "1.00"},
		{-0.25, "-.25"},
	}
	for _, tt := range tests {
		if got := valueLabel(tt.v); got != tt.want {
			t.Errorf("valueLabel(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestTextColor(t *testing.T) {
	pal, err := scale()
	if err != nil {
		t.Fatal(err)
	}
	if got := textColor(colorAt(pal, 1)); lightness(got) < 0.9 {
		t.Errorf("text on the darkest cell has lightness %.2f, want light", lightness(got))
	}
	if got := textColor(colorAt(pal, 0)); lightness(got) > 0.2 {
		t.Errorf("text on the lightest cell has lightness %.2f, want dark", lightness(got))
	}
}

// TestScaleIsMonotone checks that the colour scale darkens steadily from
// weight 0 to weight 1.
func TestScaleIsMonotone(t *testing.T) {
	pal, err := scale()
	if err != nil {
		t.Fatal(err)
	}
	cs := pal.Colors()
	if len(cs) != paletteSize {
		t.Fatalf("scale has %d colours, want %d", len(cs), paletteSize)
	}
	for i := 1; i < len(cs); i++ {
		if lightness(cs[i]) > lightness(cs[i-1]) {
			t.Errorf("colour %d (lightness %.3f) is lighter than colour %d (%.3f)", i, lightness(cs[i]), i-1, lightness(cs[i-1]))
		}
	}
	if l := lightness(cs[0]); l < 0.95 {
		t.Errorf("colour of weight 0 has lightness %.2f, want near white", l)
	}
}

func vgLength(x float64) vg.Length { return vg.Length(x) }
