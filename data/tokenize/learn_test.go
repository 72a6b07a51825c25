package tokenize

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/data"
)

// rawToyLines returns n source and n target lines of the raw toy corpus.
func rawToyLines(t testing.TB, n int) []string {
	t.Helper()
	cfg := data.DefaultToyConfig()
	cfg.Train, cfg.Valid, cfg.Test = n, 0, 0
	train, _, _, err := data.GenerateToyRaw(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lines := make([]string, 0, 2*n)
	for _, p := range train {
		lines = append(lines, p.Src, p.Tgt)
	}
	return lines
}

// TestLearnBPETieBreak checks the merge order on a corpus where every pair
// has the same count: the bytewise smallest left piece, then right, wins.
func TestLearnBPETieBreak(t *testing.T) {
	b, err := LearnBPE([]string{"ab cd", "", "  cd ab  "}, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"a", "b"}, {"c", "d"}, {"▁", "ab"}, {"▁", "cd"}}
	if !slices.Equal(b.merges, want) {
		t.Errorf("merges = %q, want %q", b.merges, want)
	}
	if got := b.Alphabet(); !slices.Equal(got, []string{"a", "b", "c", "d", "▁"}) {
		t.Errorf("alphabet = %q", got)
	}
	if got := b.Encode("ab cd abcd"); !slices.Equal(got, []string{"▁ab", "▁cd", "▁ab", "cd"}) {
		t.Errorf("Encode = %q", got)
	}
}

// TestLearnBPEMatchesNaive compares the incremental learner with a
// learner that recounts every pair before each merge.
func TestLearnBPEMatchesNaive(t *testing.T) {
	lines := rawToyLines(t, 300)
	b, err := LearnBPE(lines, 400)
	if err != nil {
		t.Fatal(err)
	}
	want := naiveBPE(lines, 400)
	if len(b.merges) != len(want) {
		t.Fatalf("%d merges, naive learner made %d", len(b.merges), len(want))
	}
	for i := range want {
		if b.merges[i] != want[i] {
			t.Fatalf("merge %d = %q, naive learner made %q", i+1, b.merges[i], want[i])
		}
	}
}

// naiveBPE is the reference learner: count all pairs, merge the best
// (highest count, then smallest left, then right piece), repeat.
func naiveBPE(lines []string, vocabSize int) [][2]string {
	freq := wordCounts(lines)
	var words [][]string
	var counts []int64
	vocab := map[string]bool{}
	for w, f := range freq {
		var syms []string
		for _, r := range w {
			syms = append(syms, string(r))
			vocab[string(r)] = true
		}
		words, counts = append(words, syms), append(counts, f)
	}
	var merges [][2]string
	for len(vocab) < vocabSize {
		pairs := map[[2]string]int64{}
		for i, w := range words {
			for j := 0; j+1 < len(w); j++ {
				pairs[[2]string{w[j], w[j+1]}] += counts[i]
			}
		}
		var best [2]string
		var bestN int64
		for p, n := range pairs {
			if n > bestN || (n == bestN && (p[0] < best[0] || (p[0] == best[0] && p[1] < best[1]))) {
				best, bestN = p, n
			}
		}
		if bestN == 0 {
			break
		}
		merges = append(merges, best)
		vocab[best[0]+best[1]] = true
		for i, w := range words {
			var out []string
			for j := 0; j < len(w); j++ {
				if j+1 < len(w) && w[j] == best[0] && w[j+1] == best[1] {
					out = append(out, best[0]+best[1])
					j++
					continue
				}
				out = append(out, w[j])
			}
			words[i] = out
		}
	}
	return merges
}

// TestBPERoundTrip checks Decode(Encode(line)) == Normalize(line) on
// training lines and on lines with unseen characters.
func TestBPERoundTrip(t *testing.T) {
	lines := rawToyLines(t, 500)
	b, err := LearnBPE(lines, 300)
	if err != nil {
		t.Fatal(err)
	}
	extra := []string{"", "   ", "Unseen € ☃ Ω ﬁ  café\tok", "<0x41> looks like a byte", "▁▁ marks ▁"}
	for _, line := range append(lines, extra...) {
		pieces := b.Encode(line)
		if got := b.Decode(pieces); got != Normalize(line) {
			t.Fatalf("Decode(Encode(%q)) = %q, want %q (pieces %q)", line, got, Normalize(line), pieces)
		}
	}
}

// TestBPEByteFallback checks that an unseen character becomes its UTF-8
// bytes and that every piece is in Pieces().
func TestBPEByteFallback(t *testing.T) {
	b, err := LearnBPE([]string{"a a b"}, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := b.Encode("a€")
	want := []string{"▁a", "<0xE2>", "<0x82>", "<0xAC>"}
	if !slices.Equal(got, want) {
		t.Fatalf("Encode(a€) = %q, want %q", got, want)
	}
	if dec := b.Decode(got); dec != "a€" {
		t.Errorf("Decode = %q, want a€", dec)
	}
	vocab := map[string]bool{}
	for _, p := range b.Pieces() {
		vocab[p] = true
	}
	for _, p := range got {
		if !vocab[p] {
			t.Errorf("piece %q not in Pieces()", p)
		}
	}
	if dec := b.Decode([]string{"▁a", "<0xE2>"}); dec != "a\uFFFD" {
		t.Errorf("Decode of a cut byte sequence = %q, want a\\uFFFD", dec)
	}
}

// TestLearnBPEDeterministic checks byte-identical files from the same
// lines, in any order, and a different file for another size.
func TestLearnBPEDeterministic(t *testing.T) {
	lines := rawToyLines(t, 400)
	dir := t.TempDir()
	save := func(name string, lines []string, size int) []byte {
		b, err := LearnBPE(lines, size)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := b.Save(path); err != nil {
			t.Fatal(err)
		}
		out, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a := save("a", lines, 250)
	rev := slices.Clone(lines)
	slices.Reverse(rev)
	if !bytes.Equal(a, save("b", lines, 250)) || !bytes.Equal(a, save("c", rev, 250)) {
		t.Error("the same lines gave different tokenizer files")
	}
	if bytes.Equal(a, save("d", lines, 260)) {
		t.Error("vocab sizes 250 and 260 gave the same file")
	}
}

func TestLearnBPEErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		size  int
		want  string
	}{
		{"too small", []string{"abc abd"}, 3, "vocab size 3 is smaller than the 5 characters of the training text (▁ included); use at least 5"},
		{"empty", []string{"", "  "}, 100, "no words in 2 training lines"},
		{"invalid utf8", []string{"ok", "bad \xff here"}, 100, "training line:2: invalid UTF-8"},
	} {
		_, err := LearnBPE(tc.lines, tc.size)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// TestLearnBPEStopsWhenNoPairs checks that learning ends when every word
// is one piece, with fewer pieces than asked.
func TestLearnBPEStopsWhenNoPairs(t *testing.T) {
	b, err := LearnBPE([]string{"ab"}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.NumMerges(); got != 2 {
		t.Errorf("NumMerges = %d, want 2 (a+b, ▁+ab)", got)
	}
}

// TestBPEEncodeMatchesLearning checks that encoding a training word gives
// the segmentation the learner ended with.
func TestBPEEncodeMatchesLearning(t *testing.T) {
	lines := rawToyLines(t, 300)
	l := newLearner(wordCounts(lines))
	alphabet := append([]string(nil), l.pieces...)
	for len(l.pieces) < 300 && l.step() {
	}
	b, err := newBPE(alphabet, l.merges)
	if err != nil {
		t.Fatal(err)
	}
	for _, syms := range l.words {
		var word, want strings.Builder
		for i, s := range syms {
			word.WriteString(l.pieces[s])
			if i > 0 {
				want.WriteByte(' ')
			}
			want.WriteString(l.pieces[s])
		}
		if got := strings.Join(b.encodeWord(word.String()), " "); got != want.String() {
			t.Fatalf("encodeWord(%q) = %q, learning ended with %q", word.String(), got, want.String())
		}
	}
}
