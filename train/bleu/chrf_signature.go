package bleu

import "strconv"

// chrfSignatureFields lists the chrF signature fields in sacreBLEU's order.
func chrfSignatureFields(nrefs int, opt ChrFOptions) []sigField {
	opt = opt.withDefaults()
	caseName, space := "mixed", "no"
	if opt.Lowercase {
		caseName = "lc"
	}
	if opt.Whitespace {
		space = "yes"
	}
	return []sigField{
		{"nrefs", "#", strconv.Itoa(nrefs)},
		{"case", "c", caseName},
		{"eff", "e", "yes"},
		{"nc", "nc", strconv.Itoa(opt.CharOrder)},
		{"nw", "nw", strconv.Itoa(opt.WordOrder)},
		{"space", "s", space},
		{"version", "v", Version},
	}
}

// ChrFSignature returns the reproducibility signature of a chrF score
// against nrefs reference streams, for example
// "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:go-seq2seq-1.0".
func ChrFSignature(nrefs int, opt ChrFOptions) string {
	return formatSignature(chrfSignatureFields(nrefs, opt), false)
}
