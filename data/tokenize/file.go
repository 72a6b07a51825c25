package tokenize

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/seq2seq/transformer/data"
)

// fileMagic is the first line of every tokenizer file.
const fileMagic = "seq2seq-tokenizer 1"

// FileSHA256 returns the hex SHA-256 of the file at path, the digest a
// checkpoint records for its tokenizer file.
func FileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("tokenizer file: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// writeChecked writes body and a final "sha256 HEX" line over body to path
// through a synced temporary file and a rename.
func writeChecked(path, body string) error {
	if err := data.WriteFileAtomic(path, []byte(sealed(body))); err != nil {
		return fmt.Errorf("save tokenizer: %w", err)
	}
	return nil
}

// sealed returns body followed by its "sha256 HEX" line.
func sealed(body string) string {
	sum := sha256.Sum256([]byte(body))
	return body + "sha256 " + hex.EncodeToString(sum[:]) + "\n"
}

// readChecked reads path and returns the body before the checksum line,
// failing when the file is missing, truncated or altered.
func readChecked(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("load tokenizer: %w", err)
	}
	return verifiedBody(path, b)
}

// verifiedBody returns the body of a tokenizer file's bytes b before the
// checksum line, failing when it is truncated or altered; name names the
// file in errors.
func verifiedBody(path string, b []byte) (string, error) {
	s := string(b)
	trimmed := strings.TrimSuffix(s, "\n")
	i := strings.LastIndexByte(trimmed, '\n')
	last := trimmed[i+1:]
	want, ok := strings.CutPrefix(last, "sha256 ")
	if !ok || i < 0 || !strings.HasSuffix(s, "\n") {
		return "", fmt.Errorf("load tokenizer %s: corrupt file: no final sha256 line", path)
	}
	body := s[:i+1]
	sum := sha256.Sum256([]byte(body))
	if got := hex.EncodeToString(sum[:]); got != want {
		return "", fmt.Errorf("load tokenizer %s: corrupt file: sha256 of the contents is %s, the file says %s", path, got, want)
	}
	return body, nil
}
