package checkpoint

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Tensor is one named float32 tensor; len(Data) is the product of Shape
// (1 for an empty shape).
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// Size returns the number of scalars the shape holds.
func (t Tensor) Size() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// State is everything a resume needs. Save stores it and Load gives it back
// with every field bitwise equal, except that empty slices and maps come back
// nil and Data comes back as compact JSON.
type State struct {
	Step     int
	Config   []byte   // resolved YAML
	Params   []Tensor // registry order
	AdamStep int
	AdamM    []Tensor // same names, shapes and order as Params, or empty
	AdamV    []Tensor // same names, shapes and order as Params, or empty
	RNG      []uint64 // trainer RNG state, opaque
	Data     json.RawMessage
	SrcVocab []string
	TgtVocab []string
	// SrcTokenizer and TgtTokenizer are the tokenizer files of the two
	// sides (package data/tokenize, its Marshal), both empty for a run
	// that reads whitespace-tokenized text (words): checkpoints written
	// before tokenizers existed have none.
	SrcTokenizer []byte
	TgtTokenizer []byte
	BestScore    float64
	BestStep     int
	Extra        map[string]string // anything else, optional
}

// validate reports why st cannot be saved.
func (st *State) validate() error {
	if st.Step < 0 || st.AdamStep < 0 || st.BestStep < 0 {
		return fmt.Errorf("negative step (step %d, adam step %d, best step %d)", st.Step, st.AdamStep, st.BestStep)
	}
	if err := checkTensors("params", st.Params); err != nil {
		return err
	}
	if len(st.AdamM) != 0 || len(st.AdamV) != 0 {
		if err := sameLayout("adam first moments", st.AdamM, st.Params); err != nil {
			return err
		}
		if err := sameLayout("adam second moments", st.AdamV, st.Params); err != nil {
			return err
		}
	}
	if (len(st.SrcTokenizer) == 0) != (len(st.TgtTokenizer) == 0) {
		return fmt.Errorf("one side has a tokenizer file and the other none")
	}
	if len(st.Data) > 0 && !json.Valid(st.Data) {
		return fmt.Errorf("data state is not valid JSON")
	}
	for _, v := range []struct {
		name   string
		tokens []string
	}{{"source", st.SrcVocab}, {"target", st.TgtVocab}} {
		for i, tok := range v.tokens {
			if strings.ContainsRune(tok, '\n') {
				return fmt.Errorf("%s vocabulary token %d %q contains a newline", v.name, i, tok)
			}
		}
	}
	return nil
}

// checkTensors requires unique non-empty names and data matching shapes.
func checkTensors(what string, ts []Tensor) error {
	seen := make(map[string]bool, len(ts))
	for i, t := range ts {
		if t.Name == "" {
			return fmt.Errorf("%s: tensor %d has no name", what, i)
		}
		if seen[t.Name] {
			return fmt.Errorf("%s: duplicate tensor name %q", what, t.Name)
		}
		seen[t.Name] = true
		for _, d := range t.Shape {
			if d < 0 {
				return fmt.Errorf("%s: tensor %q has negative dimension in shape %v", what, t.Name, t.Shape)
			}
		}
		if t.Size() != len(t.Data) {
			return fmt.Errorf("%s: tensor %q has shape %v but %d values", what, t.Name, t.Shape, len(t.Data))
		}
	}
	return nil
}

// sameLayout requires ts to have the names, shapes and order of ref.
func sameLayout(what string, ts, ref []Tensor) error {
	if len(ts) != len(ref) {
		return fmt.Errorf("%s: %d tensors, want %d like params", what, len(ts), len(ref))
	}
	for i := range ts {
		if ts[i].Name != ref[i].Name || !slices.Equal(ts[i].Shape, ref[i].Shape) {
			return fmt.Errorf("%s: tensor %d is %q %v, want %q %v like params", what, i, ts[i].Name, ts[i].Shape, ref[i].Name, ref[i].Shape)
		}
		if len(ts[i].Data) != len(ref[i].Data) {
			return fmt.Errorf("%s: tensor %q has %d values, want %d", what, ts[i].Name, len(ts[i].Data), len(ref[i].Data))
		}
	}
	return nil
}

// WeightsSHA256 returns the hex sha256 over the tensors in order: for each,
// its name bytes, a 0 byte, its shape as little-endian int64s and its data as
// little-endian float32s. Equal digests mean equal weights bit for bit.
func WeightsSHA256(params []Tensor) string {
	h := sha256.New()
	var buf [8]byte
	for _, t := range params {
		h.Write([]byte(t.Name))
		h.Write([]byte{0})
		for _, d := range t.Shape {
			binary.LittleEndian.PutUint64(buf[:], uint64(int64(d)))
			h.Write(buf[:8])
		}
		for _, x := range t.Data {
			binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(x))
			h.Write(buf[:4])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
