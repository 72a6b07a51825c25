package train

import (
	"strings"
	"testing"

	"github.com/seq2seq/transformer/data"
)

func TestLogCoverage(t *testing.T) {
	u := data.UnkID
	c := &Corpus{Train: []data.Encoded{
		{Src: []int{4, u, 5}, Tgt: []int{u, u}},
		{Src: []int{u}, Tgt: []int{6, 7, 8}},
	}}
	var b strings.Builder
	logCoverage(c, &b)
	if want := "train.init_from vocabularies: 2 of 4 source and 2 of 5 target training tokens are <unk>\n"; b.String() != want {
		t.Errorf("logCoverage wrote %q, want %q", b.String(), want)
	}
}
