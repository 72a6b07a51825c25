package tokenize

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// sentencepiece piece types (ModelProto.SentencePiece.Type).
const (
	spNormal      = 1
	spUnknown     = 2
	spControl     = 3
	spUserDefined = 4
	spUnused      = 5
	spByte        = 6
)

// spModelTypes names TrainerSpec.ModelType values.
var spModelTypes = map[uint64]string{1: "unigram", 2: "bpe", 3: "word", 4: "char"}

// SentencePiece encodes with a BPE model trained by spm_train
// (--model_type=bpe), like spm_encode --output_format=piece.
//
// Normalisation: the model's own rules (precompiled_charsmap) are not
// interpreted but reproduced. For nmt_nfkc, spm_train's default, the line
// goes through nmtMap's rules (see Normalize) and Unicode NFKC
// (golang.org/x/text); for nfkc through NFKC; for identity through
// nothing. Then with remove_extra_whitespaces (the default) runs of
// spaces are collapsed and trimmed, with add_dummy_prefix (the default) a
// space is put in front, and spaces become ▁. nmtMap lists the characters
// on which nmt_nfkc and NFKC differ that were checked against spm_encode;
// another such character, if any, would encode differently.
//
// Encoding: the line is split into characters (user-defined pieces taken
// whole, longest first), then the adjacent pair whose concatenation is a
// piece with the highest score is merged, the leftmost on ties, until none
// is. A character not in the model becomes byte pieces <0xNN> when the
// model was trained with --byte_fallback, else it stays as itself (the
// model's <unk>); consecutive unknown characters form one piece, as
// spm_encode prints them. When no piece holds ▁ after its first character
// (true unless trained with --split_by_whitespace=false), no merge crosses
// a word boundary, so words are encoded apart and cached.
type SentencePiece struct {
	model       []byte
	pieces      []string
	score       map[string]float32
	types       map[string]int
	userDefined []string
	nmt         bool // nmt_nfkc's extra rules (nmtMap)
	nfkc        bool
	dummyPrefix bool
	removeSpace bool
	byteFall    bool
	wordLocal   bool // no piece holds ▁ after its start: words encode apart

	cache wordCache
}

// LoadSentencePiece reads a .model file written by spm_train.
func LoadSentencePiece(path string) (*SentencePiece, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load sentencepiece model: %w", err)
	}
	t, err := parseSentencePiece(b)
	if err != nil {
		return nil, fmt.Errorf("load sentencepiece model %s: %w", path, err)
	}
	return t, nil
}

// parseSentencePiece reads a serialised ModelProto.
func parseSentencePiece(model []byte) (*SentencePiece, error) {
	fields, err := parseProto(model)
	if err != nil {
		return nil, fmt.Errorf("not a sentencepiece model: %w", err)
	}
	t := &SentencePiece{model: model, score: map[string]float32{}, types: map[string]int{},
		nmt: true, nfkc: true, dummyPrefix: true, removeSpace: true}
	modelType := uint64(1) // UNIGRAM, the proto default
	for _, f := range fields {
		switch {
		case f.num == 1 && f.wire == 2:
			if err := t.addPiece(f.bytes); err != nil {
				return nil, err
			}
		case f.num == 2 && f.wire == 2:
			if modelType, err = t.trainerSpec(f.bytes); err != nil {
				return nil, err
			}
		case f.num == 3 && f.wire == 2:
			if err := t.normalizerSpec(f.bytes); err != nil {
				return nil, err
			}
		}
	}
	if len(t.pieces) == 0 {
		return nil, fmt.Errorf("not a sentencepiece model: no pieces")
	}
	t.wordLocal = true
	for _, p := range t.pieces {
		if strings.Contains(strings.TrimPrefix(p, Boundary), Boundary) {
			t.wordLocal = false
		}
	}
	if modelType != 2 {
		name := spModelTypes[modelType]
		if name == "" {
			name = fmt.Sprint(modelType)
		}
		return nil, fmt.Errorf("model type %s is not supported: train it with spm_train --model_type=bpe", name)
	}
	return t, nil
}

// addPiece reads one ModelProto.SentencePiece.
func (t *SentencePiece) addPiece(b []byte) error {
	fields, err := parseProto(b)
	if err != nil {
		return fmt.Errorf("piece %d: %w", len(t.pieces), err)
	}
	var piece string
	var score float32
	typ := spNormal
	for _, f := range fields {
		switch f.num {
		case 1:
			piece = string(f.bytes)
		case 2:
			score = f.float32()
		case 3:
			typ = int(f.value)
		}
	}
	t.pieces = append(t.pieces, piece)
	t.types[piece] = typ
	t.score[piece] = score
	if typ == spUserDefined {
		t.userDefined = append(t.userDefined, piece)
	}
	return nil
}

// trainerSpec reads the fields of TrainerSpec that encoding depends on.
func (t *SentencePiece) trainerSpec(b []byte) (uint64, error) {
	fields, err := parseProto(b)
	if err != nil {
		return 0, fmt.Errorf("trainer spec: %w", err)
	}
	modelType := uint64(1)
	for _, f := range fields {
		switch f.num {
		case 3:
			modelType = f.value
		case 35:
			t.byteFall = f.value != 0
		case 24:
			if f.value != 0 {
				return 0, fmt.Errorf("treat_whitespace_as_suffix is not supported: train without --treat_whitespace_as_suffix")
			}
		}
	}
	return modelType, nil
}

// normalizerSpec reads NormalizerSpec.
func (t *SentencePiece) normalizerSpec(b []byte) error {
	fields, err := parseProto(b)
	if err != nil {
		return fmt.Errorf("normalizer spec: %w", err)
	}
	for _, f := range fields {
		switch f.num {
		case 1:
			switch name := string(f.bytes); name {
			case "nmt_nfkc", "":
				t.nmt, t.nfkc = true, true
			case "nfkc":
				t.nmt, t.nfkc = false, true
			case "identity":
				t.nmt, t.nfkc = false, false
			default:
				return fmt.Errorf("normalizer %q is not supported: train with --normalization_rule_name=nmt_nfkc, nfkc or identity", name)
			}
		case 3:
			t.dummyPrefix = f.value != 0
		case 4:
			t.removeSpace = f.value != 0
		case 5:
			if f.value == 0 {
				return fmt.Errorf("escape_whitespaces=false is not supported")
			}
		}
	}
	return nil
}

// Kind is sentencepiece.
func (t *SentencePiece) Kind() Kind { return KindSentencePiece }

// Pieces returns the model's pieces in id order.
func (t *SentencePiece) Pieces() []string { return append([]string(nil), t.pieces...) }

// normalize applies the model's normalisation and escapes spaces as ▁.
func (t *SentencePiece) normalize(line string) string {
	s := line
	if t.nmt {
		s = strings.Map(nmtMap, s)
	}
	if t.nfkc {
		s = norm.NFKC.String(s)
	}
	if t.removeSpace {
		s = collapseSpaces(s)
	}
	if s == "" {
		return ""
	}
	if t.dummyPrefix {
		s = " " + s
	}
	return strings.ReplaceAll(s, " ", Boundary)
}

// Encode returns the pieces of line, as spm_encode prints them.
func (t *SentencePiece) Encode(line string) []string {
	s := t.normalize(line)
	if s == "" {
		return nil
	}
	var syms []string
	if t.wordLocal {
		for _, w := range splitBeforeBoundary(s) {
			syms = append(syms, t.encodeWord(w)...)
		}
	} else {
		syms = t.merge(t.split(s))
	}
	return t.fallback(syms)
}

// splitBeforeBoundary cuts s before every ▁ that follows another character.
func splitBeforeBoundary(s string) []string {
	var words []string
	for len(s) > 0 {
		i := strings.Index(s[1:], Boundary)
		if i < 0 {
			break
		}
		words, s = append(words, s[:i+1]), s[i+1:]
	}
	return append(words, s)
}

// encodeWord merges one word, through the cache.
func (t *SentencePiece) encodeWord(w string) []string {
	return t.cache.pieces(w, func(w string) []string { return t.merge(t.split(w)) })
}

// fallback turns symbols that are not pieces into byte pieces (with
// byte fallback) or joins runs of them into one unknown piece.
func (t *SentencePiece) fallback(syms []string) []string {
	out := make([]string, 0, len(syms))
	unkRun := false
	for _, p := range syms {
		if typ, ok := t.types[p]; ok && (typ == spNormal || typ == spUserDefined) {
			out, unkRun = append(out, p), false
			continue
		}
		if t.byteFall {
			for i := 0; i < len(p); i++ {
				out = append(out, bytePiece(p[i]))
			}
			continue
		}
		if unkRun {
			out[len(out)-1] += p
			continue
		}
		out, unkRun = append(out, p), true
	}
	return out
}

// split cuts s into characters, user-defined pieces kept whole.
func (t *SentencePiece) split(s string) []string {
	var syms []string
	for len(s) > 0 {
		n := 0
		for _, u := range t.userDefined {
			if len(u) > n && strings.HasPrefix(s, u) {
				n = len(u)
			}
		}
		if n == 0 {
			_, n = utf8.DecodeRuneInString(s)
		}
		syms, s = append(syms, s[:n]), s[n:]
	}
	return syms
}

// merge joins the best-scoring adjacent pair until no pair is a piece.
func (t *SentencePiece) merge(syms []string) []string {
	for len(syms) > 1 {
		at := -1
		var best float32
		for i := 0; i+1 < len(syms); i++ {
			p := syms[i] + syms[i+1]
			typ, ok := t.types[p]
			if !ok || (typ != spNormal && typ != spUserDefined && typ != spUnused) {
				continue
			}
			if sc := t.score[p]; at < 0 || sc > best {
				at, best = i, sc
			}
		}
		if at < 0 {
			break
		}
		syms[at] += syms[at+1]
		syms = append(syms[:at+1], syms[at+2:]...)
	}
	return syms
}

// Decode concatenates pieces, byte pieces read back as bytes, ▁ read as a
// space, dropping the leading space of the dummy prefix.
func (t *SentencePiece) Decode(tokens []string) string {
	isByte := func(p string) (byte, bool) {
		if t.types[p] != spByte {
			return 0, false
		}
		return parseBytePiece(p)
	}
	s := strings.ReplaceAll(decodePieces(tokens, isByte), Boundary, " ")
	if t.dummyPrefix {
		s = strings.TrimPrefix(s, " ")
	}
	return s
}

// Save writes the tokenizer file: the common header, then a line
// "model BASE64" holding the .model file, and the sha256 line.
func (t *SentencePiece) Save(path string) error { return writeChecked(path, t.fileBody()) }

// fileBody returns the tokenizer file's lines before the sha256 line.
func (t *SentencePiece) fileBody() string {
	return fileMagic + "\nkind sentencepiece\nmodel " + base64.StdEncoding.EncodeToString(t.model) + "\n"
}

// parseSentencePieceFile reads the lines after the kind line.
func parseSentencePieceFile(rest string) (*SentencePiece, error) {
	enc, ok := strings.CutPrefix(strings.TrimSuffix(rest, "\n"), "model ")
	if !ok || strings.Contains(enc, "\n") {
		return nil, fmt.Errorf("sentencepiece file: want one line \"model BASE64\"")
	}
	b, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, fmt.Errorf("sentencepiece file: %w", err)
	}
	return parseSentencePiece(b)
}
