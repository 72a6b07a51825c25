package data

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func smallRawToy() ToyConfig {
	cfg := DefaultToyConfig()
	cfg.Train, cfg.Valid, cfg.Test = 400, 20, 20
	return cfg
}

// TestToyRawShape checks capitalisation, attached punctuation, and that
// names and years appear on both sides of the same pairs.
func TestToyRawShape(t *testing.T) {
	train, _, _, err := GenerateToyRaw(smallRawToy())
	if err != nil {
		t.Fatal(err)
	}
	year := regexp.MustCompile(`\b(1[9][0-9][0-9]|20[0-9][0-9])\b`)
	names, years := 0, 0
	for _, p := range train {
		for _, s := range []string{p.Src, p.Tgt} {
			if first := []rune(s)[0]; strings.ToUpper(string(first)) != string(first) {
				t.Fatalf("%q does not start with a capital", s)
			}
			if strings.Contains(s, " ,") || strings.Contains(s, " .") || !strings.HasSuffix(s, ".") {
				t.Fatalf("%q has detached punctuation or no final period", s)
			}
		}
		srcName, _, _ := strings.Cut(p.Src, ",")
		tgtName, _, _ := strings.Cut(p.Tgt, ",")
		if slices.Contains(rawNames, srcName) {
			names++
			if srcName != tgtName {
				t.Fatalf("name %q on the source, %q on the target: %q / %q", srcName, tgtName, p.Src, p.Tgt)
			}
		}
		if y := year.FindString(p.Src); y != "" {
			years++
			if !strings.HasSuffix(p.Src, " in "+y+".") || !strings.HasSuffix(p.Tgt, " im Jahr "+y+".") {
				t.Fatalf("year %s not rendered on both sides: %q / %q", y, p.Src, p.Tgt)
			}
		}
	}
	if names < len(train)/8 || years < len(train)/8 {
		t.Errorf("%d names and %d years in %d pairs, want about a quarter each", names, years, len(train))
	}
}

// TestToyRawMatchesToy checks that removing the additions and lowercasing
// gives the word-level toy corpus back.
func TestToyRawMatchesToy(t *testing.T) {
	cfg := smallRawToy()
	raw, _, _, err := GenerateToyRaw(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plain, _, _, err := GenerateToy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	strip := regexp.MustCompile(`^[A-Z][a-z]+, | (in|im Jahr) [0-9]{4}(\.)$`)
	for i, p := range raw {
		src := strip.ReplaceAllString(p.Src, "$2")
		src = strings.ReplaceAll(strings.ReplaceAll(src, ",", " ,"), ".", " .")
		want := strings.Join(plain[i].Src, " ")
		if strings.ToLower(src) != want {
			t.Fatalf("pair %d: raw %q gives %q, want %q", i, p.Src, strings.ToLower(src), want)
		}
	}
}

func TestWriteToyRawDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		gen, err := EnsureToyRaw(dir, "en", "de", smallRawToy())
		if err != nil || !gen {
			t.Fatalf("EnsureToyRaw = %v, %v; want true, nil", gen, err)
		}
	}
	for _, name := range []string{"train.en", "train.de", "valid.en", "valid.de", "test.en", "test.de"} {
		x, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(x) != string(y) || len(x) == 0 {
			t.Errorf("%s differs between two runs or is empty", name)
		}
	}
	if gen, err := EnsureToyRaw(a, "en", "de", smallRawToy()); gen || err != nil {
		t.Errorf("EnsureToyRaw on a full corpus = %v, %v; want false, nil", gen, err)
	}
	if err := os.Remove(filepath.Join(a, "test.de")); err != nil {
		t.Fatal(err)
	}
	if _, err := EnsureToyRaw(a, "en", "de", smallRawToy()); err == nil || !strings.Contains(err.Error(), "test.de missing") {
		t.Errorf("EnsureToyRaw with a file missing: error %v, want one naming test.de", err)
	}
}
