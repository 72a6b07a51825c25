package heatmap

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// maxLabelRunes is the longest label drawn in full; longer ones are cut
// short with an ellipsis so one odd token cannot swallow the image.
const maxLabelRunes = 16

// Stand-ins for characters the font cannot draw, which would otherwise
// come out blank.
const (
	wordStart  = '▁' // SentencePiece's word-start marker, shown as spaceUnder
	spaceUnder = '_'
	noGlyph    = '□' // any other character the font lacks
)

// glyphChecker returns a function reporting whether fnt has a glyph for a
// rune. The function is not safe for concurrent use.
func glyphChecker(fnt font.Font) func(rune) bool {
	face := font.DefaultCache.Lookup(fnt, fnt.Size)
	var buf sfnt.Buffer
	return func(r rune) bool {
		i, err := face.Face.GlyphIndex(&buf, r)
		return err == nil && i != 0
	}
}

// drawable returns s with every rune that has reports missing, and every
// control character, replaced by a visible stand-in.
func drawable(s string, has func(rune) bool) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return noGlyph
		case has(r):
			return r
		case r == wordStart:
			return spaceUnder
		default:
			return noGlyph
		}
	}, s)
}

// displayLabel returns token as it is drawn with a font that has the runes
// has reports: an empty token as "" in quotes (gonum would take an empty
// label for a minor tick), runes the font lacks replaced (see drawable), and
// a long token shortened to maxLabelRunes runes ending in "…".
func displayLabel(token string, has func(rune) bool) string {
	if token == "" {
		return `""`
	}
	token = drawable(token, has)
	if utf8.RuneCountInString(token) <= maxLabelRunes {
		return token
	}
	r := []rune(token)
	return string(r[:maxLabelRunes-1]) + "…"
}

// tokenTicks returns one labelled tick per token, token i at data
// coordinate i, which is where grid puts row or column i.
func tokenTicks(tokens []string, has func(rune) bool) plot.ConstantTicks {
	ticks := make(plot.ConstantTicks, len(tokens))
	for i, tok := range tokens {
		ticks[i] = plot.Tick{Value: float64(i), Label: displayLabel(tok, has)}
	}
	return ticks
}

// maxWidth returns the width of the widest tick label when drawn in sty,
// before any rotation.
func maxWidth(sty text.Style, ticks []plot.Tick) vg.Length {
	var w vg.Length
	for _, t := range ticks {
		w = max(w, sty.Width(t.Label))
	}
	return w
}
