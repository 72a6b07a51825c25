package data

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func smallToy() ToyConfig {
	c := DefaultToyConfig()
	c.Train, c.Valid, c.Test = 2000, 200, 200
	return c
}

func TestToyDeterministic(t *testing.T) {
	a, _, _, err := GenerateToy(smallToy())
	if err != nil {
		t.Fatal(err)
	}
	b, _, _, _ := GenerateToy(smallToy())
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed gave different corpora")
	}
	c := smallToy()
	c.Seed = 2
	d, _, _, _ := GenerateToy(c)
	if reflect.DeepEqual(a[:10], d[:10]) {
		t.Error("different seeds gave the same corpus")
	}
}

func TestToyProperties(t *testing.T) {
	cfg := smallToy()
	train, valid, test, err := GenerateToy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(train) != cfg.Train || len(valid) != cfg.Valid || len(test) != cfg.Test {
		t.Fatalf("sizes %d/%d/%d, want %d/%d/%d", len(train), len(valid), len(test), cfg.Train, cfg.Valid, cfg.Test)
	}
	inTrain := map[string]bool{}
	srcTypes, tgtTypes := map[string]bool{}, map[string]bool{}
	for _, p := range train {
		inTrain[strings.Join(p.Src, " ")] = true
		if len(p.Src) < cfg.MinLen || len(p.Src) > cfg.MaxLen {
			t.Fatalf("source length %d outside %d..%d", len(p.Src), cfg.MinLen, cfg.MaxLen)
		}
		for _, w := range p.Src {
			srcTypes[w] = true
		}
		for _, w := range p.Tgt {
			tgtTypes[w] = true
		}
	}
	for _, p := range append(append([]Pair{}, valid...), test...) {
		if inTrain[strings.Join(p.Src, " ")] {
			t.Fatalf("held-out source %q is in training", strings.Join(p.Src, " "))
		}
	}
	if len(srcTypes) < 150 || len(tgtTypes) < 200 {
		t.Errorf("vocabulary sizes %d/%d, want a few hundred", len(srcTypes), len(tgtTypes))
	}
}

func TestToyGrammar(t *testing.T) {
	train, _, _, _ := GenerateToy(smallToy())
	verbForms := map[string]bool{}
	for _, v := range verbs {
		verbForms[v.de3], verbForms[v.dePl] = true, true
	}
	subordinate, objects := 0, 0
	for _, p := range train {
		tgt, src := p.Tgt, p.Src
		for _, w := range tgt {
			if w == "dass" || w == "weil" || w == "obwohl" {
				if !verbForms[tgt[len(tgt)-2]] {
					t.Fatalf("subordinate clause does not end in a verb: %q", strings.Join(tgt, " "))
				}
				subordinate++
			}
		}
		// A main clause "the dog <verb> the dog ." has a masculine
		// accusative object: "der hund <verb> den hund .".
		if len(src) == 6 && src[0] == "the" && src[1] == "dog" && src[3] == "the" && src[4] == "dog" {
			if got := strings.Join(tgt, " "); got != "der hund "+tgt[2]+" den hund ." {
				t.Errorf("%q -> %q, want der hund <verb> den hund .", strings.Join(src, " "), got)
			}
			objects++
		}
	}
	if subordinate == 0 {
		t.Fatal("no subordinate clause found")
	}
	pairs := []struct{ stem, ending, want string }{{"müde", "en", "müden"}, {"groß", "e", "große"}, {"leise", "er", "leiser"}}
	for _, p := range pairs {
		if got := inflect(p.stem, p.ending); got != p.want {
			t.Errorf("inflect(%q, %q) = %q, want %q", p.stem, p.ending, got, p.want)
		}
	}
}

func TestToyGolden(t *testing.T) {
	train, _, _, err := GenerateToy(DefaultToyConfig())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range train[:20] {
		b.WriteString(strings.Join(p.Src, " ") + "\t" + strings.Join(p.Tgt, " ") + "\n")
	}
	checkGolden(t, "toy_head.golden", "toy corpus head", b.String())
}

// checkGolden compares got with testdata/name, first writing got there
// under -update; what names the contents in the error.
func checkGolden(t *testing.T, name, what, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s changed (run with -update if intended):\ngot\n%s\nwant\n%s", what, got, want)
	}
}

func TestEnsureToyWritesOnceAtomically(t *testing.T) {
	dir := t.TempDir()
	cfg := ToyConfig{Seed: 3, Train: 50, Valid: 5, Test: 5, MinLen: 3, MaxLen: 25}
	made, err := EnsureToy(dir, "src", "tgt", cfg)
	if err != nil || !made {
		t.Fatalf("EnsureToy = %v, %v; want generated", made, err)
	}
	made, err = EnsureToy(dir, "src", "tgt", cfg)
	if err != nil || made {
		t.Fatalf("second EnsureToy = %v, %v; want nothing generated", made, err)
	}
	pairs, err := ReadSplit(dir, "train", "src", "tgt")
	if err != nil || len(pairs) != 50 {
		t.Fatalf("read back %d pairs, %v; want 50", len(pairs), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 10 {
		t.Errorf("%d files in the corpus dir, want .src, .tgt, .align of 3 splits and %s (no temporaries left)", len(entries), ToyRecordFile)
	}
	rec, found, err := ReadToyRecord(dir)
	if err != nil || !found || rec != cfg {
		t.Errorf("ReadToyRecord = %+v, %v, %v; want %+v", rec, found, err, cfg)
	}
}
