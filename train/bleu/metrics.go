package bleu

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// scoreMetrics scores hyps against refs with every metric cfg asks for
// (BLEU when none), in sacreBLEU's order, and renders them as the
// sacrebleu command prints one system's results, without the final newline.
func scoreMetrics(hyps []string, refs [][]string, cfg cliConfig) (string, error) {
	var results []string
	for _, name := range metricNames {
		if !(cfg.metrics[name] || (len(cfg.metrics) == 0 && name == "bleu")) {
			continue
		}
		var out string
		var err error
		switch name {
		case "bleu":
			var sc Score
			if sc, err = Corpus(hyps, refs, cfg.opt); err == nil {
				out, err = formatResult(sc, cfg)
			}
		case "chrf":
			var sc ChrFScore
			if sc, err = CorpusChrF(hyps, refs, cfg.chrf); err == nil {
				out, err = formatChrF(sc, len(refs), cfg)
			}
		}
		if err != nil {
			return "", err
		}
		results = append(results, out)
	}
	return joinResults(results, cfg), nil
}

// formatChrF renders one chrF score like formatResult does BLEU.
func formatChrF(sc ChrFScore, nrefs int, cfg cliConfig) (string, error) {
	switch {
	case cfg.scoreOnly:
		return fixed(sc.Score, cfg.width), nil
	case cfg.format == "text":
		sig := formatSignature(chrfSignatureFields(nrefs, cfg.chrf), cfg.short)
		return sc.Name + "|" + sig + " = " + fixed(sc.Score, cfg.width), nil
	}
	return string(sc.JSON(cfg.width)), nil
}

// JSON returns the object the sacrebleu command prints for chrF (without
// the final newline): name, score rounded to width decimals, signature,
// then one string field per signature field.
func (s ChrFScore) JSON(width int) []byte {
	rounded, err := strconv.ParseFloat(fixed(s.Score, max(width, 0)), 64)
	if err != nil {
		rounded = s.Score
	}
	fields := []jsonField{
		{"name", pyJSONString(s.Name)},
		{"score", pyFloatRepr(rounded)},
		{"signature", pyJSONString(s.Signature)},
	}
	sigFields, err := parseSignature(s.Signature)
	if err == nil {
		fields = append(fields, sigFields...)
	}
	return encodeObject(fields)
}

// joinResults joins several metrics' results like sacreBLEU's
// print_single_results: a JSON list, or text lines right-aligned on their
// first "="; lines without "=" (score only) come first, in order.
func joinResults(results []string, cfg cliConfig) string {
	if len(results) == 1 {
		return results[0]
	}
	if cfg.format == "json" {
		return "[\n" + strings.Join(results, ",\n") + "\n]"
	}
	var lines, aligned []string
	var lens []int
	w := 0
	for _, r := range results {
		i := strings.IndexByte(r, '=')
		if i < 0 {
			lines = append(lines, r)
			continue
		}
		n := utf8.RuneCountInString(r[:i]) - 1
		aligned, lens = append(aligned, r), append(lens, n)
		w = max(w, n)
	}
	for k, r := range aligned {
		lines = append(lines, strings.Repeat(" ", w-lens[k])+r)
	}
	return strings.Join(lines, "\n")
}
