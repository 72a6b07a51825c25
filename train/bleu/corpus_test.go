package bleu

import (
	"math"
	"strings"
	"testing"
)

// floatTol is the tolerance for comparing scores with sacreBLEU's; the
// computation follows the same operations, so only last-bit differences
// of the logarithm are expected.
const floatTol = 1e-9

// readmeHyps and readmeRefs are the README example of sacreBLEU's
// test/test_bleu.py (two reference streams).
var (
	readmeHyps = []string{
		"The dog bit the man.",
		"It wasn't surprising.",
		"The man had just bitten him.",
	}
	readmeRefs = [][]string{
		{"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
		{"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."},
	}
)

// TestCorpusSacrebleuSuite ports the cases of sacreBLEU's test suite that
// apply to exp smoothing without effective order. The other cases there
// use floor or add-k smoothing, effective order, or the intl and char
// tokenizers, none of which this package implements.
func TestCorpusSacrebleuSuite(t *testing.T) {
	tests := []struct {
		name string
		hyps []string
		refs [][]string
		opt  Options
		want float64
		tol  float64
	}{
		// test/test_bleu.py, test_corpus_bleu_cases.
		{"readme default", readmeHyps, readmeRefs, Options{}, 48.530827, 1e-6},
		{"readme empty hyps", []string{"", "", ""}, readmeRefs, Options{}, 0, 1e-8},
		{"readme tok none", readmeHyps, readmeRefs, Options{Tokenize: "none"}, 49.1919566, 1e-6},
		{"readme tok 13a", readmeHyps, readmeRefs, Options{Tokenize: "13a"}, 48.530827, 1e-6},
		// test/test_bleu.py, test_raw_bleu_cases whose value does not
		// depend on the smoothing (no match at all, or a perfect match).
		{"raw no match", []string{"this is a test", "another test"}, [][]string{{"ref1", "ref2"}}, Options{Tokenize: "none"}, 0, 1e-8},
		{"raw identical", []string{"this is a test"}, [][]string{{"this is a test"}}, Options{Tokenize: "none"}, 100, 1e-6},
		// test/test_sentence_bleu.py (#98): all orders have n-grams, so
		// effective order changes nothing.
		{"sentence 98 exp 13a",
			[]string{"Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;"},
			[][]string{{"producţia de zahăr brut se exprimă în zahăr alb;"}}, Options{}, 8.493, 1e-3},
		{"sentence 98 exp none",
			[]string{"Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;"},
			[][]string{{"producţia de zahăr brut se exprimă în zahăr alb;"}}, Options{Tokenize: "none"}, 7.347, 1e-3},
		// test/test_sentence_bleu.py (#141), test_cases_zero_bleu.
		{"sentence 141 zero", []string{"this is a cat"}, [][]string{{"okay thanks"}}, Options{}, 0, 1e-3},
	}
	for _, tt := range tests {
		sc, err := Corpus(tt.hyps, tt.refs, tt.opt)
		if err != nil {
			t.Errorf("%s: Corpus: %v", tt.name, err)
			continue
		}
		if math.Abs(sc.Score-tt.want) > tt.tol {
			t.Errorf("%s: Corpus(...).Score = %.10f, want %.10f", tt.name, sc.Score, tt.want)
		}
	}
}

// TestMaxOrderFourSacrebleu ports test_bleu_max_order of
// test/test_bleu.py for the default order 4.
func TestMaxOrderFourSacrebleu(t *testing.T) {
	sc, err := Corpus(readmeHyps, readmeRefs, Options{})
	if err != nil {
		t.Fatalf("Corpus: %v", err)
	}
	if got, want := fixed(sc.Score, 2), "48.53"; got != want {
		t.Errorf("score = %s, want %s", got, want)
	}
}

// TestCorpusStatsSacrebleu ports test_case_statistics of
// test/test_bleu.py.
func TestCorpusStatsSacrebleu(t *testing.T) {
	got, err := CorpusStats([]string{"am I am a character sequence"},
		[][]string{{"I am a symbol string sequence a a"}}, Options{Tokenize: "none"})
	if err != nil {
		t.Fatalf("CorpusStats: %v", err)
	}
	want := Stats{Correct: [4]int{4, 2, 1, 0}, Total: [4]int{6, 5, 4, 3}, HypLen: 6, RefLen: 8}
	if got != want {
		t.Errorf("CorpusStats = %+v, want %+v", got, want)
	}
}

// TestStatsScoreSacrebleu ports test_case_scoring and the degenerate
// statistics of test/test_bleu.py whose expected score does not depend on
// the smoothing method.
func TestStatsScoreSacrebleu(t *testing.T) {
	tests := []struct {
		st   Stats
		want float64
	}{
		{Stats{Correct: [4]int{9, 7, 5, 3}, Total: [4]int{10, 8, 6, 4}, HypLen: 11, RefLen: 11}, 83.75922397},
		{Stats{Total: [4]int{4, 4, 2, 1}, HypLen: 0, RefLen: 1}, 0},
		{Stats{Total: [4]int{10, 11, 12, 0}, HypLen: 14, RefLen: 10}, 0},
		{Stats{}, 0},
		{Stats{HypLen: 1, RefLen: 5}, 0},
	}
	for _, tt := range tests {
		if got := tt.st.Score().Score; math.Abs(got-tt.want) > 1e-6 {
			t.Errorf("%+v.Score().Score = %.10f, want %.10f", tt.st, got, tt.want)
		}
	}
}

// goldenCorpusCase is one case of testdata/corpus.json.
type goldenCorpusCase struct {
	Name        string
	Hyps        []string
	Refs        [][]string
	Tokenize    string
	Lowercase   bool
	HypLen      int `json:"hyp_len"`
	RefLen      int `json:"ref_len"`
	Correct     [4]int
	Total       [4]int
	Score       float64
	Precisions  [4]float64
	BP          float64
	Ratio       float64
	Signature   string
	Verbose     string
	Text2       string
	SignedText1 string            `json:"signed_text1"`
	JSON        map[string]string `json:"json"`
}

// TestCorpusGolden checks every case of testdata/corpus.json: hand-made
// edge cases (empty hypotheses and references, no matches, zero matches
// at some orders, length ties between references, clipping, entities,
// Unicode and lowercasing) and random corpora with 1 to 4 references,
// scored by sacreBLEU (see golden_test.go).
func TestCorpusGolden(t *testing.T) {
	for _, c := range loadGolden[goldenCorpusCase](t, "corpus.json") {
		opt := Options{Tokenize: c.Tokenize, Lowercase: c.Lowercase}
		sc, err := Corpus(c.Hyps, c.Refs, opt)
		if err != nil {
			t.Errorf("%s: Corpus: %v", c.Name, err)
			continue
		}
		checkGoldenStats(t, c, opt)
		checkGoldenScore(t, c, sc)
		checkGoldenFormats(t, c, sc)
	}
}

func checkGoldenStats(t *testing.T, c goldenCorpusCase, opt Options) {
	t.Helper()
	st, err := CorpusStats(c.Hyps, c.Refs, opt)
	if err != nil {
		t.Errorf("%s: CorpusStats: %v", c.Name, err)
		return
	}
	want := Stats{Correct: c.Correct, Total: c.Total, HypLen: c.HypLen, RefLen: c.RefLen}
	if st != want {
		t.Errorf("%s: CorpusStats = %+v, want %+v", c.Name, st, want)
	}
}

func checkGoldenScore(t *testing.T, c goldenCorpusCase, sc Score) {
	t.Helper()
	if math.Abs(sc.Score-c.Score) > floatTol {
		t.Errorf("%s: Score = %.12f, want %.12f", c.Name, sc.Score, c.Score)
	}
	for n := range sc.Precisions {
		if math.Abs(sc.Precisions[n]-c.Precisions[n]) > floatTol {
			t.Errorf("%s: Precisions[%d] = %.12f, want %.12f", c.Name, n, sc.Precisions[n], c.Precisions[n])
		}
	}
	if math.Abs(sc.BP-c.BP) > floatTol || math.Abs(sc.Ratio-c.Ratio) > floatTol {
		t.Errorf("%s: BP, Ratio = %v, %v, want %v, %v", c.Name, sc.BP, sc.Ratio, c.BP, c.Ratio)
	}
	if sc.Signature != c.Signature {
		t.Errorf("%s: Signature = %q, want %q", c.Name, sc.Signature, c.Signature)
	}
}

func checkGoldenFormats(t *testing.T, c goldenCorpusCase, sc Score) {
	t.Helper()
	if got := sc.Verbose(); got != c.Verbose {
		t.Errorf("%s: Verbose() = %q, want %q", c.Name, got, c.Verbose)
	}
	if got := sc.Text(2); got != c.Text2 {
		t.Errorf("%s: Text(2) = %q, want %q", c.Name, got, c.Text2)
	}
	if c.SignedText1 != "" {
		if got := sc.SignedText(1); got != c.SignedText1 {
			t.Errorf("%s: SignedText(1) = %q, want %q", c.Name, got, c.SignedText1)
		}
	}
	for w, want := range c.JSON {
		width := int(w[0] - '0')
		got, err := sc.JSON(width)
		if err != nil {
			t.Errorf("%s: JSON(%d): %v", c.Name, width, err)
			continue
		}
		if string(got) != want {
			t.Errorf("%s: JSON(%d) =\n%s\nwant\n%s", c.Name, width, got, want)
		}
	}
}

// TestCorpusEdgeCases spells out edge cases with the lines sacreBLEU
// 2.6.0 prints for them (str(score), i.e. width 2); the same cases are in
// testdata/corpus.json. A zero-match order gets precision
// 100 / (2^k * total) under exp smoothing, k counting such orders.
func TestCorpusEdgeCases(t *testing.T) {
	tests := []struct {
		name string
		hyps []string
		refs [][]string
		opt  Options
		want string // Text(2)
	}{
		{"empty hypotheses", []string{"", "", ""}, readmeRefs, Options{},
			"BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 0.000 ratio = 0.000 hyp_len = 0 ref_len = 17)"},
		{"empty hypothesis and reference", []string{""}, [][]string{{""}}, Options{},
			"BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 1.000 ratio = 0.000 hyp_len = 0 ref_len = 0)"},
		{"empty reference", []string{"a b c"}, [][]string{{""}}, Options{},
			"BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 1.000 ratio = 0.000 hyp_len = 3 ref_len = 0)"},
		{"no fourgram match", []string{"a b c x d e f"}, [][]string{{"a b c y d e f"}}, Options{},
			"BLEU = 41.11 85.7/66.7/40.0/12.5 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)"},
		{"no trigram nor fourgram match", []string{"a b x c d y e f"}, [][]string{{"a b p c d q e f"}}, Options{},
			"BLEU = 19.13 75.0/42.9/8.3/5.0 (BP = 1.000 ratio = 1.000 hyp_len = 8 ref_len = 8)"},
		{"too short for bigrams", []string{"a", "b"}, [][]string{{"a", "b"}}, Options{},
			"BLEU = 0.00 100.0/0.0/0.0/0.0 (BP = 1.000 ratio = 1.000 hyp_len = 2 ref_len = 2)"},
		{"hypothesis longer", []string{"the cat sat on the mat today again"}, [][]string{{"the cat sat on the mat"}}, Options{},
			"BLEU = 68.04 75.0/71.4/66.7/60.0 (BP = 1.000 ratio = 1.333 hyp_len = 8 ref_len = 6)"},
		{"hypothesis shorter", []string{"the cat"}, [][]string{{"the cat sat on the mat"}}, Options{},
			"BLEU = 0.00 100.0/100.0/0.0/0.0 (BP = 0.135 ratio = 0.333 hyp_len = 2 ref_len = 6)"},
		{"closest reference tie goes to shorter", []string{"a b c d e"}, [][]string{{"a b c d e f g"}, {"a b c"}}, Options{},
			"BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.667 hyp_len = 5 ref_len = 3)"},
		{"case sensitive", []string{"The Cat"}, [][]string{{"the cat"}}, Options{},
			"BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 1.000 ratio = 1.000 hyp_len = 2 ref_len = 2)"},
		{"lowercase", []string{"The Cat"}, [][]string{{"the cat"}}, Options{Lowercase: true},
			"BLEU = 0.00 100.0/100.0/0.0/0.0 (BP = 1.000 ratio = 1.000 hyp_len = 2 ref_len = 2)"},
		{"13a splits punctuation", []string{"Hello, world!"}, [][]string{{"Hello , world !"}}, Options{},
			"BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 4 ref_len = 4)"},
		{"none keeps punctuation", []string{"Hello, world!"}, [][]string{{"Hello , world !"}}, Options{Tokenize: "none"},
			"BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 0.368 ratio = 0.500 hyp_len = 2 ref_len = 4)"},
	}
	for _, tt := range tests {
		sc, err := Corpus(tt.hyps, tt.refs, tt.opt)
		if err != nil {
			t.Errorf("%s: Corpus: %v", tt.name, err)
			continue
		}
		if got := sc.Text(2); got != tt.want {
			t.Errorf("%s: Text(2) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestCorpusErrors checks the inputs Corpus rejects.
func TestCorpusErrors(t *testing.T) {
	tests := []struct {
		name  string
		hyps  []string
		refs  [][]string
		opt   Options
		wants []string
	}{
		{"stream too short", []string{"a", "b"}, [][]string{{"a", "b"}, {"a"}}, Options{},
			[]string{"refs[1]", "1 lines", "2 hypotheses"}},
		{"stream too long", []string{"a"}, [][]string{{"a", "b", "c"}}, Options{},
			[]string{"refs[0]", "3 lines", "1 hypotheses"}},
		{"no streams", []string{"a"}, nil, Options{}, []string{"no reference streams"}},
		{"empty corpus", nil, [][]string{{}}, Options{}, []string{"empty corpus"}},
		{"unknown tokenizer", []string{"a"}, [][]string{{"a"}}, Options{Tokenize: "intl"},
			[]string{`"intl"`, "13a", "none"}},
	}
	for _, tt := range tests {
		_, err := Corpus(tt.hyps, tt.refs, tt.opt)
		if err == nil {
			t.Errorf("%s: Corpus error = nil, want one mentioning %q", tt.name, tt.wants)
			continue
		}
		for _, w := range tt.wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: Corpus error = %q, want it to mention %q", tt.name, err, w)
			}
		}
	}
}

// TestStatsAdd checks that batch statistics add up to corpus statistics.
func TestStatsAdd(t *testing.T) {
	whole, err := CorpusStats(readmeHyps, readmeRefs, Options{})
	if err != nil {
		t.Fatalf("CorpusStats: %v", err)
	}
	var sum Stats
	for i := range readmeHyps {
		batch, err := CorpusStats(readmeHyps[i:i+1], [][]string{readmeRefs[0][i : i+1], readmeRefs[1][i : i+1]}, Options{})
		if err != nil {
			t.Fatalf("CorpusStats batch %d: %v", i, err)
		}
		sum = sum.Add(batch)
	}
	if sum != whole {
		t.Errorf("sum of batches = %+v, want %+v", sum, whole)
	}
	if got, want := sum.Score().Score, 48.530827; math.Abs(got-want) > 1e-6 {
		t.Errorf("sum.Score().Score = %v, want %v", got, want)
	}
}

// TestSignature checks the signature strings.
func TestSignature(t *testing.T) {
	tests := []struct {
		nrefs int
		opt   Options
		want  string
	}{
		{1, Options{}, "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:go-seq2seq-1.0"},
		{2, Options{Lowercase: true}, "nrefs:2|case:lc|eff:no|tok:13a|smooth:exp|version:go-seq2seq-1.0"},
		{1, Options{Tokenize: "none"}, "nrefs:1|case:mixed|eff:no|tok:none|smooth:exp|version:go-seq2seq-1.0"},
	}
	for _, tt := range tests {
		if got := Signature(tt.nrefs, tt.opt); got != tt.want {
			t.Errorf("Signature(%d, %+v) = %q, want %q", tt.nrefs, tt.opt, got, tt.want)
		}
	}
}
