package tokenize

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestWordsAndChars(t *testing.T) {
	for _, tc := range []struct {
		tok  Tokenizer
		in   string
		want []string
		dec  string
	}{
		{Words{}, "  the dog ,  sees\tit . ", []string{"the", "dog", ",", "sees", "it", "."}, "the dog , sees it ."},
		{Words{}, "", nil, ""},
		{Chars{}, " Der  Hund, ja. ", []string{"D", "e", "r", "▁", "H", "u", "n", "d", ",", "▁", "j", "a", "."}, "Der Hund, ja."},
		{Chars{}, "ﬁ ▁ €", []string{"f", "i", "▁", "€"}, "fi €"},
		{Chars{}, "   ", []string{}, ""},
	} {
		got := tc.tok.Encode(tc.in)
		if len(got) != len(tc.want) || (len(got) > 0 && !slices.Equal(got, tc.want)) {
			t.Errorf("%s Encode(%q) = %q, want %q", tc.tok.Kind(), tc.in, got, tc.want)
		}
		if dec := tc.tok.Decode(got); dec != tc.dec {
			t.Errorf("%s Decode(%q) = %q, want %q", tc.tok.Kind(), got, dec, tc.dec)
		}
	}
}

func TestSimpleSaveLoad(t *testing.T) {
	for _, k := range []Kind{KindWords, KindChars} {
		tok, err := New(k)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "tok")
		if err := tok.Save(path); err != nil {
			t.Fatal(err)
		}
		back, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if back.Kind() != k {
			t.Errorf("Load(Save(%s)).Kind() = %s", k, back.Kind())
		}
	}
	if _, err := New(KindBPE); err == nil {
		t.Error("New(bpe) succeeded, want an error: bpe must be learned")
	}
}

func TestParseKind(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Kind
		ok   bool
	}{{"", KindWords, true}, {"words", KindWords, true}, {"chars", KindChars, true},
		{"bpe", KindBPE, true}, {"sentencepiece", KindSentencePiece, true}, {"spm", "", false}} {
		got, err := ParseKind(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseKind(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
