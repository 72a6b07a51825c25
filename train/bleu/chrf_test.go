package bleu

import (
	"math"
	"strings"
	"testing"
)

// The testdata/chrf*.json golden files were produced by running
// sacreBLEU 2.6.0's own chrF (commit f615c72 of github.com/mjpost/sacrebleu,
// Python 3.11) through testdata/generate_chrf_golden.py. They hold the
// cases of sacreBLEU's test/test_chrf.py and random cases with a fixed seed.

// chrfCase is one case of testdata/chrf.json.
type chrfCase struct {
	Options struct {
		CharOrder  int  `json:"char_order"`
		WordOrder  int  `json:"word_order"`
		Beta       int  `json:"beta"`
		Lowercase  bool `json:"lowercase"`
		Whitespace bool `json:"whitespace"`
	} `json:"options"`
	Hyps      []string   `json:"hyps"`
	Refs      [][]string `json:"refs"`
	Corpus    float64    `json:"corpus"`
	Sentences []float64  `json:"sentences"`
	Signature string     `json:"signature"`
	Text      string     `json:"text"`
}

func (c chrfCase) opt() ChrFOptions {
	return ChrFOptions{CharOrder: c.Options.CharOrder, WordOrder: c.Options.WordOrder,
		Beta: c.Options.Beta, Lowercase: c.Options.Lowercase, Whitespace: c.Options.Whitespace}
}

// TestChrFGolden checks corpus and sentence chrF, bit for bit, and the
// signature and text line against sacreBLEU.
func TestChrFGolden(t *testing.T) {
	cases := loadGolden[chrfCase](t, "chrf.json")
	for i, c := range cases {
		sc, err := CorpusChrF(c.Hyps, c.Refs, c.opt())
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if sc.Score != c.Corpus {
			t.Errorf("case %d: CorpusChrF(%q, %q, %+v) = %v, sacreBLEU gives %v", i, c.Hyps, c.Refs, c.opt(), sc.Score, c.Corpus)
		}
		if sc.Signature != c.Signature {
			t.Errorf("case %d: signature %q, want %q", i, sc.Signature, c.Signature)
		}
		if got := sc.Name + "|" + sc.Signature + " = " + fixed(sc.Score, 2); got != c.Text {
			t.Errorf("case %d: text %q, want %q", i, got, c.Text)
		}
		for j, hyp := range c.Hyps {
			refs := make([]string, len(c.Refs))
			for k := range c.Refs {
				refs[k] = c.Refs[k][j]
			}
			s, err := SentenceChrF(hyp, refs, c.opt())
			if err != nil {
				t.Fatal(err)
			}
			if s.Score != c.Sentences[j] {
				t.Errorf("case %d: SentenceChrF(%q, %q) = %v, sacreBLEU gives %v", i, hyp, refs, s.Score, c.Sentences[j])
			}
		}
	}
}

// TestChrFOwnCases checks the values sacreBLEU's test_chrf.py states for
// its default (effective-order) chrF, to 1e-4 as there.
func TestChrFOwnCases(t *testing.T) {
	for _, tc := range []struct {
		hyps, refs []string
		want       float64
	}{
		{[]string{"a"}, []string{"a"}, 100.0},
		{[]string{""}, []string{"reference"}, 0.0},
		{[]string{"a b c"}, []string{"a b c"}, 100.0},
		{[]string{"a b c"}, []string{"abc"}, 100.0},
		{[]string{""}, []string{"c"}, 0.0},
		{[]string{"a", "b"}, []string{"a", "c"}, 50.0},
		{[]string{"aa"}, []string{"ab"}, 25.0},
	} {
		sc, err := CorpusChrF(tc.hyps, [][]string{tc.refs}, ChrFOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(sc.Score-tc.want) > 1e-4 {
			t.Errorf("CorpusChrF(%q, %q) = %v, want %v", tc.hyps, tc.refs, sc.Score, tc.want)
		}
	}
}

func TestChrFErrors(t *testing.T) {
	for _, tc := range []struct {
		hyps []string
		refs [][]string
		opt  ChrFOptions
		want string
	}{
		{nil, [][]string{{}}, ChrFOptions{}, "chrf: empty corpus"},
		{[]string{"a"}, nil, ChrFOptions{}, "chrf: no reference streams"},
		{[]string{"a", "b"}, [][]string{{"a"}}, ChrFOptions{}, "chrf: reference stream refs[0] has 1 lines"},
		{[]string{"a"}, [][]string{{"a"}}, ChrFOptions{CharOrder: -1}, "chrf: negative option"},
	} {
		_, err := CorpusChrF(tc.hyps, tc.refs, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CorpusChrF(%q, %q) error = %v, want one containing %q", tc.hyps, tc.refs, err, tc.want)
		}
	}
}

// TestChrFStatsAdd checks that batch statistics sum to the corpus ones.
func TestChrFStatsAdd(t *testing.T) {
	hyps := []string{"The cat sat.", "A dog barked loudly", "Hello"}
	refs := []string{"The cat sat down.", "The dog barked.", "Hello!"}
	all, err := CorpusChrFStats(hyps, [][]string{refs}, ChrFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var sum ChrFStats
	for i := range hyps {
		st, err := CorpusChrFStats(hyps[i:i+1], [][]string{refs[i : i+1]}, ChrFOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sum = sum.Add(st)
	}
	if all.Score(ChrFOptions{}) != sum.Score(ChrFOptions{}) || len(all) != 18 {
		t.Errorf("batched stats score %v, corpus %v (len %d)", sum.Score(ChrFOptions{}), all.Score(ChrFOptions{}), len(all))
	}
}
