// Package align reads and writes word alignments in Pharaoh format, scores
// them against gold alignments with Och & Ney's alignment error rate, and
// extracts them from attention matrices (argmax or threshold, per head, or
// averaged over heads and layers), merging subword pieces back into words.
// It uses the standard library only.
//
// Positions are 0-based word indices: a link i-j joins source word i and
// target word j. An attention matrix is indexed [target][source], one row
// per target word and one column per source word.
package align
