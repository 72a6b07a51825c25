package bleu

import (
	"fmt"
	"strconv"
	"strings"
)

// Verbose returns the details sacreBLEU prints after the score, with
// fixed precision whatever the width:
// "85.7/66.7/40.0/25.0 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)".
func (s Score) Verbose() string {
	prec := make([]string, len(s.Precisions))
	for i, p := range s.Precisions {
		prec[i] = strconv.FormatFloat(p, 'f', 1, 64)
	}
	return fmt.Sprintf("%s (BP = %s ratio = %s hyp_len = %d ref_len = %d)",
		strings.Join(prec, "/"), fixed(s.BP, 3), fixed(s.Ratio, 3), s.HypLen, s.RefLen)
}

// Text returns the score line sacreBLEU prints for a score without a
// signature, with the score rounded to width decimals (a negative width
// counts as 0): "BLEU = 48.89 85.7/66.7/40.0/25.0 (BP = ...)".
func (s Score) Text(width int) string {
	return "BLEU = " + s.scoreString(width) + " " + s.Verbose()
}

// SignedText returns the line the sacrebleu command prints with
// --format text: like Text with the signature after the metric name,
// "BLEU|nrefs:1|case:mixed|...|version:go-seq2seq-1.0 = 48.9 85.7/...".
func (s Score) SignedText(width int) string {
	return s.signedText(width, s.Signature)
}

// signedText is SignedText with an explicit signature string.
func (s Score) signedText(width int, sig string) string {
	name := "BLEU"
	if sig != "" {
		name += "|" + sig
	}
	return name + " = " + s.scoreString(width) + " " + s.Verbose()
}

// scoreString formats the score with width decimals, like Python's
// f"{score:.{width}f}".
func (s Score) scoreString(width int) string {
	return fixed(s.Score, max(width, 0))
}

// fixed formats x with prec decimals, rounding half to even on the exact
// binary value as Python's format does.
func fixed(x float64, prec int) string {
	return strconv.FormatFloat(x, 'f', prec, 64)
}
