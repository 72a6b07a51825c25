package tokenize

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// BPE is a byte-pair-encoding tokenizer: an alphabet of characters and an
// ordered list of merges. A line is normalised (Normalize), cut into words
// at spaces, each word prefixed with ▁ and split into characters, and
// within each word the adjacent pair with the earliest merge is joined
// until none applies. Characters outside the alphabet become byte pieces
// (byte fallback), which never merge.
type BPE struct {
	alphabet []string    // single characters, sorted; ids 0..len-1
	merges   [][2]string // in learning order
	pieces   []string    // id -> piece: alphabet, merge results, then 256 bytes
	ids      map[string]int32
	charID   map[rune]int32
	ranks    map[uint64]mergeRank
	byteBase int32 // id of <0x00>

	cache wordCache
}

// mergeRank is the position of a merge and the id of its result.
type mergeRank struct{ rank, result int32 }

// pairKey packs two piece ids into a map key.
func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// newBPE builds the lookup tables of a BPE from its alphabet and merges.
func newBPE(alphabet []string, merges [][2]string) (*BPE, error) {
	t := &BPE{alphabet: alphabet, merges: merges, ids: map[string]int32{},
		charID: map[rune]int32{}, ranks: map[uint64]mergeRank{}}
	for _, c := range alphabet {
		r, size := utf8.DecodeRuneInString(c)
		if size != len(c) || r == utf8.RuneError || c == " " || c == "" {
			return nil, fmt.Errorf("alphabet entry %q is not one character", c)
		}
		if _, dup := t.ids[c]; dup {
			return nil, fmt.Errorf("alphabet entry %q repeated", c)
		}
		t.charID[r] = t.add(c)
	}
	for i, m := range merges {
		a, okA := t.ids[m[0]]
		b, okB := t.ids[m[1]]
		if !okA || !okB {
			return nil, fmt.Errorf("merge %d (%q %q) uses a piece not made before it", i+1, m[0], m[1])
		}
		res, ok := t.ids[m[0]+m[1]]
		if !ok {
			res = t.add(m[0] + m[1])
		}
		if _, dup := t.ranks[pairKey(a, b)]; dup {
			return nil, fmt.Errorf("merge %d (%q %q) repeated", i+1, m[0], m[1])
		}
		t.ranks[pairKey(a, b)] = mergeRank{int32(i), res}
	}
	t.byteBase = int32(len(t.pieces))
	for b := 0; b < 256; b++ {
		t.pieces = append(t.pieces, bytePiece(byte(b)))
	}
	return t, nil
}

// add appends a piece and returns its id.
func (t *BPE) add(p string) int32 {
	id := int32(len(t.pieces))
	t.pieces = append(t.pieces, p)
	t.ids[p] = id
	return id
}

// Kind is bpe.
func (t *BPE) Kind() Kind { return KindBPE }

// NumMerges is the number of learned merges.
func (t *BPE) NumMerges() int { return len(t.merges) }

// Alphabet returns the learned characters, sorted.
func (t *BPE) Alphabet() []string { return append([]string(nil), t.alphabet...) }

// Pieces returns the alphabet, the merge results in merge order, then the
// 256 byte pieces <0x00>..<0xFF>.
func (t *BPE) Pieces() []string { return append([]string(nil), t.pieces...) }

// Encode returns the pieces of Normalize(line).
func (t *BPE) Encode(line string) []string {
	s := Normalize(line)
	if s == "" {
		return nil
	}
	var out []string
	for w := range strings.SplitSeq(s, " ") {
		out = append(out, t.encodeWord(Boundary+w)...)
	}
	return out
}

// encodeWord returns the pieces of one ▁-prefixed word, through the cache.
func (t *BPE) encodeWord(w string) []string {
	return t.cache.pieces(w, func(w string) []string {
		ids := t.mergeWord(t.wordIDs(w))
		p := make([]string, len(ids))
		for i, id := range ids {
			p[i] = t.pieces[id]
		}
		return p
	})
}

// wordIDs splits w into character ids, byte ids for unseen characters.
func (t *BPE) wordIDs(w string) []int32 {
	ids := make([]int32, 0, len(w))
	for i, r := range w {
		if id, ok := t.charID[r]; ok {
			ids = append(ids, id)
			continue
		}
		_, size := utf8.DecodeRuneInString(w[i:])
		for j := 0; j < size; j++ {
			ids = append(ids, t.byteBase+int32(w[i+j]))
		}
	}
	return ids
}

// mergeWord applies the earliest applicable merge until none applies.
func (t *BPE) mergeWord(ids []int32) []int32 {
	for len(ids) > 1 {
		best, at := mergeRank{rank: -1}, -1
		for i := 0; i+1 < len(ids); i++ {
			m, ok := t.ranks[pairKey(ids[i], ids[i+1])]
			if ok && (at < 0 || m.rank < best.rank) {
				best, at = m, i
			}
		}
		if at < 0 {
			break
		}
		ids[at] = best.result
		ids = append(ids[:at+1], ids[at+2:]...)
	}
	return ids
}

// Decode concatenates pieces, byte pieces read back as bytes, ▁ read as a
// space, and drops the leading space of the first word's ▁.
func (t *BPE) Decode(tokens []string) string {
	s := decodePieces(tokens, parseBytePiece)
	s = strings.ReplaceAll(s, Boundary, " ")
	return strings.TrimPrefix(s, " ")
}

// Save writes the tokenizer file: the common header, then
//
//	normalize nmt_nfkc
//	unknown byte-fallback
//	alphabet N
//	N lines, one character each, sorted
//	merges M
//	M lines "LEFT RIGHT", in learning order
//
// and the sha256 line.
func (t *BPE) Save(path string) error { return writeChecked(path, t.fileBody()) }

// fileBody returns the tokenizer file's lines before the sha256 line.
func (t *BPE) fileBody() string {
	var b strings.Builder
	b.WriteString(fileMagic + "\nkind bpe\nnormalize nmt_nfkc\nunknown byte-fallback\n")
	fmt.Fprintf(&b, "alphabet %d\n", len(t.alphabet))
	for _, c := range t.alphabet {
		b.WriteString(c + "\n")
	}
	fmt.Fprintf(&b, "merges %d\n", len(t.merges))
	for _, m := range t.merges {
		b.WriteString(m[0] + " " + m[1] + "\n")
	}
	return b.String()
}

// parseBPE reads the lines after the kind line of a bpe tokenizer file.
func parseBPE(rest string) (*BPE, error) {
	lines := strings.Split(strings.TrimSuffix(rest, "\n"), "\n")
	n := 0
	next := func() (string, error) {
		if n >= len(lines) {
			return "", fmt.Errorf("bpe file ends early after %d lines", n+2)
		}
		n++
		return lines[n-1], nil
	}
	for _, want := range []string{"normalize nmt_nfkc", "unknown byte-fallback"} {
		if l, err := next(); err != nil || l != want {
			return nil, fmt.Errorf("bpe file: line %d is %q, want %q", n+2, l, want)
		}
	}
	alphabet, err := section(next, "alphabet")
	if err != nil {
		return nil, err
	}
	mergeLines, err := section(next, "merges")
	if err != nil {
		return nil, err
	}
	merges := make([][2]string, len(mergeLines))
	for i, l := range mergeLines {
		a, b, ok := strings.Cut(l, " ")
		if !ok || a == "" || b == "" || strings.Contains(b, " ") {
			return nil, fmt.Errorf("bpe file: merge %d is %q, want two pieces and one space", i+1, l)
		}
		merges[i] = [2]string{a, b}
	}
	if n != len(lines) {
		return nil, fmt.Errorf("bpe file: %d unexpected lines after the merges", len(lines)-n)
	}
	return newBPE(alphabet, merges)
}

// section reads "NAME COUNT" and the COUNT lines after it.
func section(next func() (string, error), name string) ([]string, error) {
	head, err := next()
	if err != nil {
		return nil, err
	}
	num, ok := strings.CutPrefix(head, name+" ")
	count, cerr := strconv.Atoi(num)
	if !ok || cerr != nil || count < 0 {
		return nil, fmt.Errorf("bpe file: line %q, want \"%s COUNT\"", head, name)
	}
	out := make([]string, count)
	for i := range out {
		if out[i], err = next(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
