// Package data reads and writes parallel corpora, builds vocabularies and
// cuts batches that fit fixed graph shapes. It also generates the built-in
// toy translation corpus with its gold word alignments, and lays out gold
// alignments as guided-alignment targets. It depends on the standard
// library and package align (itself standard library only).
package data
