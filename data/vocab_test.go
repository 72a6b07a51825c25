package data

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestBuildVocab(t *testing.T) {
	sents := [][]string{{"b", "a", "c"}, {"a", "b"}, {"a", "d"}}
	tests := []struct {
		minFreq, maxSize int
		want             []string
	}{
		{1, 0, []string{Pad, Unk, BOS, EOS, "a", "b", "c", "d"}},
		{2, 0, []string{Pad, Unk, BOS, EOS, "a", "b"}},
		{1, 5, []string{Pad, Unk, BOS, EOS, "a"}},
	}
	for _, tt := range tests {
		v := BuildVocab(sents, tt.minFreq, tt.maxSize)
		if got := v.Tokens(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("BuildVocab(minFreq %d, maxSize %d) = %v, want %v", tt.minFreq, tt.maxSize, got, tt.want)
		}
	}
}

func TestVocabEncodeDecodeAndSave(t *testing.T) {
	v := BuildVocab([][]string{{"x", "y"}}, 1, 0)
	ids := v.Encode([]string{"x", "zzz", "y"})
	if want := []int{v.ID("x"), UnkID, v.ID("y")}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("Encode = %v, want %v", ids, want)
	}
	if got := v.Decode([]int{BOSID, v.ID("x"), PadID, v.ID("y"), EOSID, v.ID("x")}); !reflect.DeepEqual(got, []string{"x", "y"}) {
		t.Errorf("Decode = %v, want [x y]", got)
	}
	path := filepath.Join(t.TempDir(), "v.txt")
	if err := v.Save(path); err != nil {
		t.Fatal(err)
	}
	w, err := loadVocab(path)
	if err != nil || !reflect.DeepEqual(w.Tokens(), v.Tokens()) {
		t.Fatalf("loadVocab = %v, %v; want %v", w, err, v.Tokens())
	}
}

func TestNewVocabFromTokensRejects(t *testing.T) {
	for _, toks := range [][]string{
		{Pad, Unk, BOS},
		{Unk, Pad, BOS, EOS},
		{Pad, Unk, BOS, EOS, "a", "a"},
		{Pad, Unk, BOS, EOS, "a b"},
	} {
		if _, err := NewVocabFromTokens(toks); err == nil {
			t.Errorf("NewVocabFromTokens(%q) = nil error", toks)
		}
	}
}
