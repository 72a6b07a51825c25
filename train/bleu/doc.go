// Package bleu computes corpus BLEU exactly as sacreBLEU 2.x does with its
// default settings: the 13a (mteval-v13a) tokenizer, exponential ("exp")
// smoothing, case-sensitive matching, maximum n-gram order 4, effective
// order off, and a brevity penalty that uses, for every segment, the
// reference length closest to the hypothesis length (ties go to the
// shorter reference). The "none" tokenizer and lowercasing are supported
// as well.
//
// Corpus scores a whole corpus; CorpusStats and Stats.Score allow
// accumulating sufficient statistics batch by batch. Command is a small
// clone of the sacrebleu command-line tool for a single system.
//
// Text is handled with Python's string semantics where sacreBLEU relies on
// them: whitespace is Python's str.isspace set, lowercasing follows
// str.lower (including U+0130 and the final sigma rule), and lines are
// right-stripped like str.rstrip.
package bleu
