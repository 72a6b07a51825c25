package heatmap

import (
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

func TestTokenTicks(t *testing.T) {
	toks := []string{"The", "little", "dog", "</s>", "Größe", "да"}
	ticks := tokenTicks(toks, glyphChecker(newStyles(DefaultCellSize).tick.Font))
	if len(ticks) != len(toks) {
		t.Fatalf("tokenTicks(%q) has %d ticks, want %d", toks, len(ticks), len(toks))
	}
	for i, tick := range ticks {
		if tick.Value != float64(i) || tick.Label != toks[i] {
			t.Errorf("tokenTicks(%q)[%d] = {%v %q}, want {%d %q}", toks, i, tick.Value, tick.Label, i, toks[i])
		}
	}
}

// TestPlotTicks checks that the plot Render draws labels rows and columns
// with the tokens, in order, at the rows' and columns' coordinates.
func TestPlotTicks(t *testing.T) {
	tests := []struct {
		name       string
		rows, cols []string
		rotated    bool
	}{
		{"short tokens", []string{"c", "b", "a"}, []string{"a", "b", "c"}, false},
		{"long tokens", []string{"The", "little", "dog"}, []string{"Der", "kleine", "Hund"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Map{Rows: tt.rows, Cols: tt.cols}
			l := newLayout(m, Options{})
			if l.rotateX != tt.rotated {
				t.Errorf("rotateX = %v, want %v", l.rotateX, tt.rotated)
			}
			p := l.newPlot()
			for _, ax := range []struct {
				name   string
				ticks  []string
				toks   []string
				suffix string
			}{
				{"y", labelsOf(p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max)), tt.rows, ""},
				{"x", labelsOf(p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max)), tt.cols, map[bool]string{true: " "}[tt.rotated]},
			} {
				if len(ax.ticks) != len(ax.toks) {
					t.Fatalf("%s axis labels = %q, want %q", ax.name, ax.ticks, ax.toks)
				}
				for i := range ax.toks {
					if got := strings.TrimSuffix(ax.ticks[i], ax.suffix); got != ax.toks[i] {
						t.Errorf("%s axis label %d = %q, want %q", ax.name, i, got, ax.toks[i])
					}
				}
			}
			// Norm runs from 0 at the bottom to 1 at the top.
			n := float64(len(tt.rows))
			if got, want := p.Y.Norm(0), 1-0.5/n; got != want {
				t.Errorf("y position of row 0 = %v, want %v (the top row)", got, want)
			}
			if got, want := p.Y.Norm(n-1), 0.5/n; got != want {
				t.Errorf("y position of the last row = %v, want %v (the bottom row)", got, want)
			}
		})
	}
}

func labelsOf(ticks []plot.Tick) []string {
	out := make([]string, len(ticks))
	for i, t := range ticks {
		out[i] = t.Label
	}
	return out
}

func TestDisplayLabel(t *testing.T) {
	has := glyphChecker(newStyles(DefaultCellSize).tick.Font)
	tests := []struct{ in, want string }{
		{"dog", "dog"},
		{"", `""`},
		{"</s>", "</s>"},
		{"@@ing", "@@ing"},
		{"Größe", "Größe"},
		{"ελληνικά", "ελληνικά"},
		{"▁the", "_the"},
		{"日本", "□□"},
		{"a\nb", "a□b"},
		{"exactly16runes__", "exactly16runes__"},
		{"seventeen_runes__", "seventeen_runes…"},
		{strings.Repeat("ü", 30), strings.Repeat("ü", 15) + "…"},
	}
	for _, tt := range tests {
		if got := displayLabel(tt.in, has); got != tt.want {
			t.Errorf("displayLabel(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestStandInsHaveGlyphs checks that the characters drawn in place of
// missing ones are themselves in the fonts used.
func TestStandInsHaveGlyphs(t *testing.T) {
	st := newStyles(DefaultCellSize)
	for _, f := range []struct {
		name string
		has  func(rune) bool
	}{{"tick", glyphChecker(st.tick.Font)}, {"title", glyphChecker(st.title.Font)}} {
		for _, r := range []rune{spaceUnder, noGlyph, '…', '"'} {
			if !f.has(r) {
				t.Errorf("%s font has no glyph for %q", f.name, r)
			}
		}
	}
}
