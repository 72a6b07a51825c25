package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/align"
)

// toyLexicon maps every source word of the toy grammar to the set of
// target words it may translate to, from the grammar's tables.
func toyLexicon() map[string]map[string]bool {
	lex := map[string]map[string]bool{}
	add := func(s, t string) {
		if lex[s] == nil {
			lex[s] = map[string]bool{}
		}
		lex[s][t] = true
	}
	for _, n := range nouns {
		add(n.en, n.de)
		add(n.enPl, n.dePl)
		add(n.enPl, dativePlural(n.dePl, 2))
	}
	for _, v := range verbs {
		add(v.en3, v.de3)
		add(v.en, v.dePl)
	}
	for _, a := range adjectives {
		for _, table := range [][3][2][3]string{weakEnding, mixedEnding} {
			for _, byNum := range table {
				for _, byGender := range byNum {
					for _, e := range byGender {
						add(a.en, inflect(a.de, e))
					}
				}
			}
		}
	}
	for _, byNum := range definite {
		for _, byGender := range byNum {
			for _, d := range byGender {
				add("the", d)
			}
		}
	}
	for _, byGender := range indefinite {
		for _, d := range byGender {
			add("a", d)
		}
	}
	for _, tables := range [][][2]string{adverbs, prepositions, conjunctions, {{",", ","}, {".", "."}}} {
		for _, p := range tables {
			add(p[0], p[1])
		}
	}
	return lex
}

// TestToyAlignmentsTranslate checks every gold link of a few thousand toy
// pairs: it joins a source word to one of its translations, every source
// and every target word has exactly one link (the toy language translates
// word for word, reordered), and the links are sorted.
func TestToyAlignmentsTranslate(t *testing.T) {
	train, valid, test, err := GenerateToyAligned(smallToy())
	if err != nil {
		t.Fatal(err)
	}
	lex := toyLexicon()
	crossing := 0
	for _, p := range append(append(train, valid...), test...) {
		line := strings.Join(p.Src, " ") + " ||| " + strings.Join(p.Tgt, " ") + " ||| " + align.FormatLine(p.Links)
		if len(p.Links) != len(p.Src) || len(p.Src) != len(p.Tgt) {
			t.Fatalf("%d links for %d source and %d target words: %s", len(p.Links), len(p.Src), len(p.Tgt), line)
		}
		srcSeen, tgtSeen := make([]bool, len(p.Src)), make([]bool, len(p.Tgt))
		for k, l := range p.Links {
			if l.Possible || srcSeen[l.Src] || tgtSeen[l.Tgt] {
				t.Fatalf("link %s is possible or repeats a word: %s", l, line)
			}
			srcSeen[l.Src], tgtSeen[l.Tgt] = true, true
			if !lex[p.Src[l.Src]][p.Tgt[l.Tgt]] {
				t.Fatalf("link %s joins %q and %q, not a translation: %s", l, p.Src[l.Src], p.Tgt[l.Tgt], line)
			}
			if k > 0 && p.Links[k-1].Src >= l.Src {
				t.Fatalf("links not sorted by source: %s", line)
			}
			if l.Src != l.Tgt {
				crossing++
			}
		}
	}
	if crossing == 0 {
		t.Error("no reordered link in the corpus")
	}
}

// TestToyAlignmentsReorder checks hand-aligned sentences: the adverb after
// the finite verb and the verb-final subordinate clause.
func TestToyAlignmentsReorder(t *testing.T) {
	train, _, _, err := GenerateToyAligned(smallToy())
	if err != nil {
		t.Fatal(err)
	}
	// "the man often sees the dog ." -> "der mann sieht oft den hund .":
	// subject 0-0 1-1, adverb 2-3, verb 3-2, object 4-4 5-5, stop 6-6.
	const advWant = "0-0 1-1 2-3 3-2 4-4 5-5 6-6"
	found := map[string]bool{}
	for _, p := range train {
		s, n := p.Src, len(p.Src)
		pair := strings.Join(s, " ") + " / " + strings.Join(p.Tgt, " ")
		if n == 7 && s[0] == "the" && isAdverb(s[2]) && isVerb(s[3]) && s[4] == "the" {
			if got := align.FormatLine(p.Links); got != advWant {
				t.Errorf("%s: links %s, want %s", pair, got, advWant)
			}
			found["adverb"] = true
		}
		// "... , that the woman likes the cat ." -> "... , dass die frau
		// die katze mag .": the verb (source n-4) moves to target n-2.
		if n >= 14 && s[n-8] == "," && s[n-6] == "the" && isVerb(s[n-4]) && s[n-3] == "the" {
			var want []align.Link
			for _, st := range [][2]int{{8, 8}, {7, 7}, {6, 6}, {5, 5}, {4, 2}, {3, 4}, {2, 3}, {1, 1}} {
				want = append(want, align.Link{Src: n - st[0], Tgt: n - st[1]})
			}
			if got := align.FormatLine(p.Links[n-8:]); got != align.FormatLine(want) {
				t.Errorf("%s: subordinate clause links %s, want %s", pair, got, align.FormatLine(want))
			}
			found["subordinate"] = true
		}
	}
	if !found["adverb"] || !found["subordinate"] {
		t.Errorf("hand-checked shapes found: %v, want an adverb and a subordinate clause", found)
	}
}

func isAdverb(w string) bool {
	for _, a := range adverbs {
		if a[0] == w {
			return true
		}
	}
	return false
}

func isVerb(w string) bool {
	for _, v := range verbs {
		if v.en3 == w || v.en == w {
			return true
		}
	}
	return false
}

// TestEnsureToyAddsAlignments checks that EnsureToy writes the alignment
// files missing beside an existing toy corpus without rewriting the corpus,
// and writes none beside a corpus that is not the configured toy corpus.
func TestEnsureToyAddsAlignments(t *testing.T) {
	cfg := ToyConfig{Seed: 3, Train: 50, Valid: 5, Test: 5, MinLen: 3, MaxLen: 25}
	dir := t.TempDir()
	if _, err := EnsureToy(dir, "src", "tgt", cfg); err != nil {
		t.Fatal(err)
	}
	wantAlign, err := os.ReadFile(filepath.Join(dir, "valid.align"))
	if err != nil {
		t.Fatal(err)
	}
	for _, split := range toySplits {
		if err := os.Remove(filepath.Join(dir, split+".align")); err != nil {
			t.Fatal(err)
		}
	}
	src := filepath.Join(dir, "train.src")
	before, _ := os.Stat(src)
	made, err := EnsureToy(dir, "src", "tgt", cfg)
	if err != nil || made {
		t.Fatalf("EnsureToy on a corpus without alignments = %v, %v; want false, nil", made, err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "valid.align"))
	if err != nil || string(got) != string(wantAlign) {
		t.Fatalf("valid.align rewritten as %q, %v; want %q", got, err, wantAlign)
	}
	if after, _ := os.Stat(src); !after.ModTime().Equal(before.ModTime()) {
		t.Error("train.src was rewritten")
	}
	pairs, err := ReadSplit(dir, "valid", "src", "tgt")
	if err != nil {
		t.Fatal(err)
	}
	srcLens, tgtLens := make([]int, len(pairs)), make([]int, len(pairs))
	for i, p := range pairs {
		srcLens[i], tgtLens[i] = len(p.Src), len(p.Tgt)
	}
	if _, err := align.ReadFile(filepath.Join(dir, "valid.align"), srcLens, tgtLens); err != nil {
		t.Errorf("written alignments do not fit the corpus: %v", err)
	}

	other := t.TempDir()
	if _, err := EnsureToy(other, "src", "tgt", cfg); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(other, "test.align"))
	if err := os.WriteFile(filepath.Join(other, "test.src"), []byte("a b c\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := EnsureToy(other, "src", "tgt", cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(other, "test.align")); err == nil {
		t.Error("test.align written beside a test.src that is not the toy corpus")
	}
}

// TestToyAlignGolden pins the alignments of the first 20 training pairs of
// the default toy corpus (regenerate with go test ./data -run Golden -update).
func TestToyAlignGolden(t *testing.T) {
	train, _, _, err := GenerateToyAligned(DefaultToyConfig())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range train[:20] {
		b.WriteString(align.FormatLine(p.Links) + "\n")
	}
	checkGolden(t, "toy_head_align.golden", "toy alignments", b.String())
}
