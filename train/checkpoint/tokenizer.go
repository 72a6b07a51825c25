package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
)

// TokenizerKind returns the kind a tokenizer file names on its second
// line ("kind K"), "words" for no file (a checkpoint without tokenizers
// reads whitespace-tokenized text) and "unknown" for a file without that
// line. Reading the file is package data/tokenize's job; this is only for
// summaries.
func TokenizerKind(file []byte) string {
	if len(file) == 0 {
		return "words"
	}
	lines := bytes.SplitN(file, []byte("\n"), 3)
	if len(lines) < 2 || !bytes.HasPrefix(lines[1], []byte("kind ")) {
		return "unknown"
	}
	return string(lines[1][len("kind "):])
}

// sha256Hex returns the hex sha256 of b, "" for no bytes.
func sha256Hex(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
