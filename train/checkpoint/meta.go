package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
)

// Format identifies the checkpoint layout in meta.json; FormatVersion is
// raised whenever the layout changes incompatibly.
const (
	Format        = "seq2seq-transformer-checkpoint"
	FormatVersion = 1
)

// File names inside a checkpoint directory.
const (
	metaFile     = "meta.json"
	paramsFile   = "params.bin"
	adamFile     = "adam.bin"
	configFile   = "config.yaml"
	srcVocabFile = "src.vocab"
	tgtVocabFile = "tgt.vocab"
	srcTokFile   = "src.tokenizer"
	tgtTokFile   = "tgt.tokenizer"
)

// dataFiles lists the files meta.json describes, in the order Save writes
// them.
var dataFiles = []string{paramsFile, adamFile, configFile, srcVocabFile, tgtVocabFile}

// tokenizerFiles are written after dataFiles when the state has
// tokenizers, and then listed in meta.json like them.
var tokenizerFiles = []string{srcTokFile, tgtTokFile}

// stepFiles lists the files of a step directory in the order Save writes
// them: dataFiles, then tokenizerFiles when the state has tokenizers.
func stepFiles(withTokenizers bool) []string {
	if !withTokenizers {
		return dataFiles
	}
	return append(append([]string(nil), dataFiles...), tokenizerFiles...)
}

// meta is the content of meta.json.
type meta struct {
	Format    string            `json:"format"`
	Version   int               `json:"version"`
	Step      int               `json:"step"`
	BestScore string            `json:"best_score"` // strconv 'g' form, so NaN and ±Inf survive
	BestStep  int               `json:"best_step"`
	AdamStep  int               `json:"adam_step"`
	RNG       []string          `json:"rng,omitempty"` // 16 hex digits each: JSON numbers lose bits past 2^53
	Data      json.RawMessage   `json:"data,omitempty"`
	Extra     map[string]string `json:"extra,omitempty"`
	SrcVocab  int               `json:"src_vocab"`
	TgtVocab  int               `json:"tgt_vocab"`
	Params    []tensorMeta      `json:"params"`
	AdamM     []tensorMeta      `json:"adam_m,omitempty"`
	AdamV     []tensorMeta      `json:"adam_v,omitempty"`
	Files     []fileMeta        `json:"files"`
	// Checksum is the hex sha256 of meta.json's bytes with this field
	// empty; it must stay the last field (see encode).
	Checksum string `json:"checksum"`
}

// tensorMeta is a tensor's name and shape.
type tensorMeta struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape,omitempty"`
}

// size returns the number of scalars of the shape, or -1 when a dimension
// is negative.
func (t tensorMeta) size() int {
	n := 1
	for _, d := range t.Shape {
		if d < 0 {
			return -1
		}
		n *= d
	}
	return n
}

// fileMeta is one data file's name, size and hex sha256.
type fileMeta struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// newMeta describes st; the caller adds Files and the checksum.
func newMeta(st *State) *meta {
	m := &meta{
		Format: Format, Version: FormatVersion,
		Step: st.Step, BestScore: strconv.FormatFloat(st.BestScore, 'g', -1, 64), BestStep: st.BestStep,
		AdamStep: st.AdamStep, Data: st.Data, Extra: st.Extra,
		SrcVocab: len(st.SrcVocab), TgtVocab: len(st.TgtVocab),
		Params: tensorMetas(st.Params), AdamM: tensorMetas(st.AdamM), AdamV: tensorMetas(st.AdamV),
	}
	for _, x := range st.RNG {
		m.RNG = append(m.RNG, fmt.Sprintf("%016x", x))
	}
	return m
}

// tensorMetas returns the names and shapes of ts.
func tensorMetas(ts []Tensor) []tensorMeta {
	var out []tensorMeta
	for _, t := range ts {
		out = append(out, tensorMeta{Name: t.Name, Shape: t.Shape})
	}
	return out
}

// checksumKey is how the checksum field, the last of meta.json, starts.
const checksumKey = `"checksum": "`

// encode returns meta.json's content: m as indented JSON whose checksum
// field holds the hex sha256 of the same bytes with that field empty.
func (m *meta) encode() ([]byte, error) {
	c := *m
	c.Checksum = ""
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&c); err != nil {
		return nil, fmt.Errorf("encode %s: %w", metaFile, err)
	}
	blank := buf.Bytes()
	at := bytes.LastIndex(blank, []byte(checksumKey))
	if at < 0 {
		return nil, fmt.Errorf("encode %s: no checksum field", metaFile)
	}
	sum := sha256.Sum256(blank)
	at += len(checksumKey)
	out := append(append(append([]byte(nil), blank[:at]...), hex.EncodeToString(sum[:])...), blank[at:]...)
	m.Checksum = hex.EncodeToString(sum[:])
	return out, nil
}

// verifyChecksum checks the checksum field of meta.json's raw bytes: the
// hex sha256 of the file with that field emptied. Any changed byte, even
// whitespace, fails it.
func verifyChecksum(raw []byte) error {
	at := bytes.LastIndex(raw, []byte(checksumKey))
	if at < 0 {
		return fmt.Errorf("no checksum field")
	}
	at += len(checksumKey)
	end := bytes.IndexByte(raw[at:], '"')
	if end < 0 || !bytes.Equal(raw[at+end:], []byte("\"\n}\n")) {
		return fmt.Errorf("checksum field is not the last line of the object")
	}
	stored := string(raw[at : at+end])
	blank := append(append([]byte(nil), raw[:at]...), raw[at+end:]...)
	sum := sha256.Sum256(blank)
	if got := hex.EncodeToString(sum[:]); got != stored {
		return fmt.Errorf("checksum mismatch (stored %q, computed %s)", stored, got)
	}
	return nil
}

// decodeMeta checks meta.json's checksum, parses it and checks its format
// and version. The error says what is wrong without naming the file.
func decodeMeta(raw []byte) (*meta, error) {
	if err := verifyChecksum(raw); err != nil {
		return nil, err
	}
	var m meta
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("invalid JSON: data after the object")
	}
	if len(m.Data) > 0 {
		var buf bytes.Buffer
		if err := json.Compact(&buf, m.Data); err != nil {
			return nil, fmt.Errorf("data state: %v", err)
		}
		m.Data = buf.Bytes()
	}
	if m.Format != Format {
		return nil, fmt.Errorf("format %q, want %q", m.Format, Format)
	}
	if m.Version != FormatVersion {
		return nil, fmt.Errorf("format version %d, this program reads version %d", m.Version, FormatVersion)
	}
	return &m, nil
}

// bestScore parses the stored best score.
func (m *meta) bestScore() (float64, error) {
	f, err := strconv.ParseFloat(m.BestScore, 64)
	if err != nil {
		return 0, fmt.Errorf("best_score %q: %v", m.BestScore, err)
	}
	return f, nil
}

// rng parses the stored RNG state.
func (m *meta) rng() ([]uint64, error) {
	var out []uint64
	for i, s := range m.RNG {
		x, err := strconv.ParseUint(s, 16, 64)
		if err != nil {
			return nil, fmt.Errorf("rng word %d %q: %v", i, s, err)
		}
		out = append(out, x)
	}
	return out, nil
}
