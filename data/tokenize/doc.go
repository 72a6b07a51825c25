// Package tokenize cuts raw text into the tokens a model sees and joins
// them back: whitespace words, characters, byte-pair-encoding (BPE)
// subwords learned in Go, and sentencepiece BPE models trained by spm_train.
//
// # Normalisation
//
// Every kind but words first normalises a line the same way (Normalize):
// sentencepiece's nmt_nfkc on control and space-like characters, Unicode
// NFKC (golang.org/x/text), U+2581 (▁, the word-boundary mark) read as a
// space, then runs of spaces collapsed to one and trimmed at both ends.
// Decoding the encoding of a line gives back its normalised form exactly.
//
// # Word boundaries
//
// chars writes a space as the token "▁". bpe and sentencepiece prefix every
// word with "▁", the first one included (sentencepiece's add_dummy_prefix),
// so a piece that starts a word starts with "▁".
//
// # Unseen characters
//
// bpe uses byte fallback: a character not in the learned alphabet is
// written as its UTF-8 bytes, one piece "<0xNN>" per byte (upper-case hex),
// and decoding turns those pieces back into the bytes, so nothing is lost.
// Learned pieces never have that form. chars and words have no alphabet:
// any character or word is a token, and the model's vocabulary maps the
// ones it has not seen to <unk>.
//
// # Invalid UTF-8
//
// Encode expects valid UTF-8: read files with ReadLines, or check lines
// with CheckUTF8, which name the file and line at fault; LearnBPE rejects
// invalid lines. An invalid byte that reaches Encode is read as U+FFFD,
// which the normalisation turns into a space.
//
// # Empty lines
//
// An empty or all-whitespace line encodes to no tokens and decodes to "".
// Learners skip such lines.
//
// # Tokenizer file
//
// A tokenizer is saved as one UTF-8 text file (see Save): a header line
// "seq2seq-tokenizer 1", a "kind K" line, kind-specific lines, and a final
// line "sha256 HEX" holding the SHA-256 of every byte before it. Load
// rejects a file whose checksum does not match, naming the file.
package tokenize
