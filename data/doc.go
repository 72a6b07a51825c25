// Package data reads and writes parallel corpora, builds vocabularies and
// cuts batches that fit fixed graph shapes. It also generates the built-in
// toy translation corpus. It depends on the standard library only.
package data
