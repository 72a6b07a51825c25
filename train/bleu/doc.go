// Package bleu computes corpus BLEU exactly as sacreBLEU 2.x does with its
// default settings: the 13a (mteval-v13a) tokenizer, exponential ("exp")
// smoothing, case-sensitive matching, maximum n-gram order 4, effective
// order off, and a brevity penalty that uses, for every segment, the
// reference length closest to the hypothesis length (ties go to the
// shorter reference). The "none" tokenizer and lowercasing are supported
// as well.
//
// Corpus scores a whole corpus; CorpusStats and Stats.Score allow
// accumulating sufficient statistics batch by batch.
//
// CorpusChrF and SentenceChrF compute chrF exactly as sacreBLEU's CHRF
// does, by default chrF2 (character n-grams up to 6, beta 2, whitespace
// removed, effective-order averaging); corpus chrF sums the segment
// statistics (each against its best reference) and scores the sum.
// CorpusChrFStats and ChrFStats.Score accumulate batch by batch.
//
// Command is a small clone of the sacrebleu command-line tool for a single
// system, with -m bleu chrf and the --chrf-* options.
//
// Text is handled with Python's string semantics where sacreBLEU relies on
// them: whitespace is Python's str.isspace set, lowercasing follows
// str.lower (including U+0130 and the final sigma rule), and lines are
// right-stripped like str.rstrip.
package bleu
