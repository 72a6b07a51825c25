package data

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Special tokens and their ids, the same in every vocabulary.
const (
	PadID, UnkID, BOSID, EOSID = 0, 1, 2, 3
	Pad, Unk, BOS, EOS         = "<pad>", "<unk>", "<bos>", "<eos>"
)

var specials = []string{Pad, Unk, BOS, EOS}

// Vocab maps tokens to ids and back.
type Vocab struct {
	tokens []string
	ids    map[string]int
}

// BuildVocab counts tokens and keeps those seen at least minFreq times,
// most frequent first (ties in byte order), after the four specials; maxSize
// > 0 caps the size including the specials.
func BuildVocab(sents [][]string, minFreq, maxSize int) *Vocab {
	counts := map[string]int{}
	for _, s := range sents {
		for _, t := range s {
			counts[t]++
		}
	}
	var toks []string
	for t, c := range counts {
		if c >= minFreq && !isSpecial(t) {
			toks = append(toks, t)
		}
	}
	sort.Slice(toks, func(i, j int) bool {
		if counts[toks[i]] != counts[toks[j]] {
			return counts[toks[i]] > counts[toks[j]]
		}
		return toks[i] < toks[j]
	})
	all := append(append([]string(nil), specials...), toks...)
	if maxSize > 0 && len(all) > maxSize {
		all = all[:max(maxSize, len(specials))]
	}
	v, _ := NewVocabFromTokens(all)
	return v
}

func isSpecial(t string) bool {
	for _, s := range specials {
		if t == s {
			return true
		}
	}
	return false
}

// NewVocabFromTokens rebuilds a vocabulary from its token list (as saved in
// a checkpoint): the specials first, no duplicates.
func NewVocabFromTokens(toks []string) (*Vocab, error) {
	if len(toks) < len(specials) {
		return nil, fmt.Errorf("vocabulary has %d tokens, want at least the %d specials", len(toks), len(specials))
	}
	v := &Vocab{tokens: append([]string(nil), toks...), ids: make(map[string]int, len(toks))}
	for i, t := range toks {
		if i < len(specials) && t != specials[i] {
			return nil, fmt.Errorf("vocabulary entry %d is %q, want %q", i+1, t, specials[i])
		}
		if _, dup := v.ids[t]; dup {
			return nil, fmt.Errorf("vocabulary entry %d: duplicate token %q", i+1, t)
		}
		if t == "" || strings.ContainsAny(t, " \t\n\r") {
			return nil, fmt.Errorf("vocabulary entry %d: bad token %q", i+1, t)
		}
		v.ids[t] = i
	}
	return v, nil
}

// LoadVocab reads a vocabulary file, one token a line; a byte-order mark
// at the start is dropped and a NUL byte is an error.
func LoadVocab(path string) (*Vocab, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load vocabulary: %w", err)
	}
	b = bytes.TrimPrefix(b, []byte(BOM))
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return nil, fmt.Errorf("load vocabulary %s line %d: NUL byte", path, bytes.Count(b[:i], []byte("\n"))+1)
	}
	v, err := NewVocabFromTokens(strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"))
	if err != nil {
		return nil, fmt.Errorf("load vocabulary %s: %w", path, err)
	}
	return v, nil
}

// Save writes the vocabulary one token a line, atomically.
func (v *Vocab) Save(path string) error {
	return WriteFileAtomic(path, []byte(strings.Join(v.tokens, "\n")+"\n"))
}

// Size is the number of tokens, specials included.
func (v *Vocab) Size() int { return len(v.tokens) }

// Tokens returns the tokens in id order.
func (v *Vocab) Tokens() []string { return append([]string(nil), v.tokens...) }

// ID returns tok's id, UnkID when unknown.
func (v *Vocab) ID(tok string) int {
	if id, ok := v.ids[tok]; ok {
		return id
	}
	return UnkID
}

// Token returns the token of id, or <unk> when out of range.
func (v *Vocab) Token(id int) string {
	if id < 0 || id >= len(v.tokens) {
		return Unk
	}
	return v.tokens[id]
}

// Encode maps tokens to ids.
func (v *Vocab) Encode(toks []string) []int {
	out := make([]int, len(toks))
	for i, t := range toks {
		out[i] = v.ID(t)
	}
	return out
}

// Decode maps ids to tokens, skipping PAD and BOS and stopping at EOS.
func (v *Vocab) Decode(ids []int) []string {
	out := []string{}
	for _, id := range ids {
		if id == EOSID {
			break
		}
		if id == PadID || id == BOSID {
			continue
		}
		out = append(out, v.Token(id))
	}
	return out
}
