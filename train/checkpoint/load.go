package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrCorrupt is wrapped by every error about a damaged checkpoint file.
var ErrCorrupt = errors.New("checkpoint is corrupt")

// CorruptError says which file of a checkpoint is damaged and how.
type CorruptError struct {
	Path   string // the damaged file
	Reason string
}

// Error reads "PATH is corrupt: REASON".
func (e *CorruptError) Error() string { return e.Path + " is corrupt: " + e.Reason }

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// corrupt returns a *CorruptError for path.
func corrupt(path, format string, args ...any) error {
	return &CorruptError{Path: path, Reason: fmt.Sprintf(format, args...)}
}

// Load reads and verifies the checkpoint at path: a step directory, or a run
// directory meaning the checkpoint its latest pointer names. Every file's
// size and sha256 are checked against meta.json, and meta.json against its
// own checksum; damage is a *CorruptError naming the file.
func Load(path string) (*State, error) {
	dir, err := resolve(path)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	st, err := loadStepDir(dir)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint %s: %w", dir, err)
	}
	return st, nil
}

// resolve returns the step directory path stands for.
func resolve(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !info.IsDir() {
		return "", fmt.Errorf("%s is not a directory", path)
	}
	if _, err := os.Stat(filepath.Join(path, LatestFile)); err == nil {
		name, err := readPointer(path, LatestFile)
		if err != nil {
			return "", err
		}
		return filepath.Join(path, name), nil
	}
	return path, nil
}

// readPointer returns the step directory name held by pointer file name in
// runDir.
func readPointer(runDir, name string) (string, error) {
	path := filepath.Join(runDir, name)
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	target := strings.TrimSpace(string(data))
	if _, ok := parseStepDir(target); !ok {
		return "", corrupt(path, "holds %q, want a name like %s", target, StepDirName(500))
	}
	return target, nil
}

// loadStepDir reads and verifies the checkpoint in dir.
func loadStepDir(dir string) (*State, error) {
	metaPath := filepath.Join(dir, metaFile)
	raw, err := os.ReadFile(metaPath)
	if errors.Is(err, fs.ErrNotExist) {
		if _, derr := os.Stat(dir); derr != nil {
			return nil, derr
		}
		return nil, corrupt(metaPath, "missing")
	}
	if err != nil {
		return nil, err
	}
	m, err := decodeMeta(raw)
	if err != nil {
		return nil, corrupt(metaPath, "%v", err)
	}
	files, err := readVerified(dir, m)
	if err != nil {
		return nil, err
	}
	return decodeState(dir, m, files)
}

// readVerified reads every data file meta.json lists and checks its size
// and sha256. The list must be exactly the expected files.
func readVerified(dir string, m *meta) (map[string][]byte, error) {
	metaPath := filepath.Join(dir, metaFile)
	listed := map[string]fileMeta{}
	for _, f := range m.Files {
		listed[f.Name] = f
	}
	_, withTok := listed[srcTokFile]
	want := stepFiles(withTok)
	if len(listed) != len(m.Files) || len(listed) != len(want) {
		return nil, corrupt(metaPath, "lists %d files, want %s", len(m.Files), strings.Join(want, ", "))
	}
	out := map[string][]byte{}
	for _, name := range want {
		f, ok := listed[name]
		if !ok {
			return nil, corrupt(metaPath, "does not list %s", name)
		}
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, corrupt(path, "missing")
		}
		if err != nil {
			return nil, err
		}
		if int64(len(data)) != f.Size {
			return nil, corrupt(path, "size %d bytes, want %d (truncated or overwritten)", len(data), f.Size)
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != f.SHA256 {
			return nil, corrupt(path, "sha256 %s, want %s", got, f.SHA256)
		}
		out[name] = data
	}
	return out, nil
}

// decodeState builds the state from verified meta and file contents.
func decodeState(dir string, m *meta, files map[string][]byte) (*State, error) {
	metaPath := filepath.Join(dir, metaFile)
	best, err := m.bestScore()
	if err != nil {
		return nil, corrupt(metaPath, "%v", err)
	}
	rng, err := m.rng()
	if err != nil {
		return nil, corrupt(metaPath, "%v", err)
	}
	st := &State{
		Step: m.Step, AdamStep: m.AdamStep, RNG: rng, Data: m.Data,
		BestScore: best, BestStep: m.BestStep, Extra: m.Extra,
		Config:       nilIfEmpty(files[configFile]),
		SrcTokenizer: nilIfEmpty(files[srcTokFile]),
		TgtTokenizer: nilIfEmpty(files[tgtTokFile]),
	}
	if st.Params, err = readFloats(files[paramsFile], m.Params); err != nil {
		return nil, corrupt(filepath.Join(dir, paramsFile), "%v", err)
	}
	adam, err := readFloats(files[adamFile], append(append([]tensorMeta(nil), m.AdamM...), m.AdamV...))
	if err != nil {
		return nil, corrupt(filepath.Join(dir, adamFile), "%v", err)
	}
	if len(adam) > 0 {
		st.AdamM, st.AdamV = adam[:len(m.AdamM)], adam[len(m.AdamM):]
	}
	for _, v := range []struct {
		name string
		n    int
		out  *[]string
	}{{srcVocabFile, m.SrcVocab, &st.SrcVocab}, {tgtVocabFile, m.TgtVocab, &st.TgtVocab}} {
		tokens, err := readVocab(files[v.name], v.n)
		if err != nil {
			return nil, corrupt(filepath.Join(dir, v.name), "%v", err)
		}
		*v.out = tokens
	}
	return st, nil
}

// readVocab splits a vocabulary file of n tokens, one a line.
func readVocab(data []byte, n int) ([]string, error) {
	if len(data) == 0 && n == 0 {
		return nil, nil
	}
	if !bytes.HasSuffix(data, []byte("\n")) {
		return nil, fmt.Errorf("does not end with a newline")
	}
	tokens := strings.Split(string(data[:len(data)-1]), "\n")
	if len(tokens) != n {
		return nil, fmt.Errorf("%d tokens, meta.json says %d", len(tokens), n)
	}
	return tokens, nil
}

// nilIfEmpty returns nil for an empty slice.
func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
