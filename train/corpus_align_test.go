package train

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/data/tokenize"
)

// writeTinyAligned writes a two-pair training split with its gold word
// alignments into dir and returns a config reading it with guidance on.
func writeTinyAligned(t *testing.T, dir string) *Config {
	t.Helper()
	files := map[string]string{
		"train.src":   "the cat sat\na b\n",
		"train.tgt":   "die katze saß\nx y\n",
		"train.align": "0-0 1-1 2-2\n0-1 1p0\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := validTestConfig()
	cfg.Data.Dir, cfg.Data.Src, cfg.Data.Tgt = dir, "src", "tgt"
	cfg.Train.GuidedAlignment = GuidedAlignmentConfig{Weight: 0.5, Layer: -1}
	return cfg
}

// TestAttachLinksExpandsToPieces checks attachLinks on a hand-made corpus:
// each pair's word links become links between all the pieces of the
// linked words (a piece starting with ▁ begins a word), with their kind,
// for hand-cut bpe-like pieces and for the chars tokenizer's own pieces;
// pieces making another number of words than the line has are an error
// naming train.align, the line and the side.
func TestAttachLinksExpandsToPieces(t *testing.T) {
	chars := Tokenizers{Src: tokenize.Chars{}, Tgt: tokenize.Chars{}}
	for _, tc := range []struct {
		name  string
		pairs []data.Pair
		want  []string // Pharaoh lines of the expanded links, one per pair
		err   []string // parts of the error; nil = no error
	}{
		{
			name: "bpe pieces",
			pairs: []data.Pair{
				{Src: []string{"▁the", "▁ca", "t", "▁sat"}, Tgt: []string{"▁die", "▁kat", "ze", "▁sa", "ß"}},
				{Src: []string{"▁a", "▁b"}, Tgt: []string{"▁", "x", "▁y"}},
			},
			want: []string{"0-0 1-1 1-2 2-1 2-2 3-3 3-4", "0-2 1p0 1p1"},
		},
		{
			name:  "chars pieces",
			pairs: []data.Pair{encodePair(chars, "the cat sat", "die katze saß"), encodePair(chars, "a b", "x y")},
			// the: 0-2; ▁cat: 3-6; ▁sat: 7-10. die: 0-2; ▁katze: 3-8; ▁saß: 9-12.
			// a: 0; ▁b: 1-2. x: 0; ▁y: 1-2.
			want: []string{
				"0-0 0-1 0-2 1-0 1-1 1-2 2-0 2-1 2-2 " +
					"3-3 3-4 3-5 3-6 3-7 3-8 4-3 4-4 4-5 4-6 4-7 4-8 5-3 5-4 5-5 5-6 5-7 5-8 6-3 6-4 6-5 6-6 6-7 6-8 " +
					"7-9 7-10 7-11 7-12 8-9 8-10 8-11 8-12 9-9 9-10 9-11 9-12 10-9 10-10 10-11 10-12",
				"0-1 0-2 1p0 2p0",
			},
		},
		{
			name: "source pieces make fewer words",
			pairs: []data.Pair{
				{Src: []string{"▁the", "▁cat", "sat"}, Tgt: []string{"▁die", "▁katze", "▁saß"}},
				{Src: []string{"▁a", "▁b"}, Tgt: []string{"▁x", "▁y"}},
			},
			err: []string{"train.align line 1", "source", "make 2 words", "indexes 3 whitespace words"},
		},
		{
			name: "target pieces make more words",
			pairs: []data.Pair{
				{Src: []string{"▁the", "▁cat", "▁sat"}, Tgt: []string{"▁die", "▁katze", "▁saß"}},
				{Src: []string{"▁a", "▁b"}, Tgt: []string{"▁x", "▁y", "▁z"}},
			},
			err: []string{"train.guided_alignment.weight", "train.align line 2", "target", "make 3 words", "indexes 2 whitespace words"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := writeTinyAligned(t, t.TempDir())
			enc := make([]data.Encoded, len(tc.pairs))
			err := attachLinks(cfg, chars, tc.pairs, enc)
			if tc.err != nil {
				for _, w := range tc.err {
					if err == nil || !strings.Contains(err.Error(), w) {
						t.Errorf("attachLinks error %v, want one containing %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range tc.want {
				if got := align.FormatLine(enc[i].Links); got != want {
					t.Errorf("pair %d links %q, want %q", i, got, want)
				}
			}
		})
	}
}

// encodePair cuts a source and a target line with toks.
func encodePair(toks Tokenizers, src, tgt string) data.Pair {
	return data.Pair{Src: toks.Src.Encode(src), Tgt: toks.Tgt.Encode(tgt)}
}

// TestAttachLinksWordsUnchanged checks that with the words tokenizer the
// gold links are the tokens' links, as read.
func TestAttachLinksWordsUnchanged(t *testing.T) {
	cfg := writeTinyAligned(t, t.TempDir())
	pairs, err := data.ReadParallel(cfg.Data.Path("train", "src"), cfg.Data.Path("train", "tgt"))
	if err != nil {
		t.Fatal(err)
	}
	enc := make([]data.Encoded, len(pairs))
	if err := attachLinks(cfg, WordTokenizers(), pairs, enc); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"0-0 1-1 2-2", "0-1 1p0"} {
		if got := align.FormatLine(enc[i].Links); got != want {
			t.Errorf("pair %d links %q, want %q", i, got, want)
		}
	}
}

// bpeGuidedMicro is micro on the word-level toy corpus (which has gold
// alignments) cut by a small bpe, with guided alignment on.
func bpeGuidedMicro(t *testing.T, dir string) *Config {
	cfg := guidedMicro(t, dir, 1)
	cfg.Data.Tokenizer, cfg.Data.MaxVocab, cfg.Data.VocabSize = "bpe", 0, 200
	cfg.Data.MaxLen = 64
	cfg.Train.Steps, cfg.Train.EvalEvery, cfg.Train.SaveEvery = 6, 3, 3
	return cfg
}

// TestBPECorpusCarriesPieceLinks loads the word-level toy corpus with a
// small bpe and guidance on: every training pair's links lie within its
// pieces and merge back (align.MergeLinks) to the gold word links of its
// line, and some word is cut into several pieces (else the test proves
// nothing).
func TestBPECorpusCarriesPieceLinks(t *testing.T) {
	cfg := bpeGuidedMicro(t, t.TempDir())
	c, pairs, gold := corpusWithGold(t, cfg)
	if len(c.Train) != len(pairs) {
		t.Fatalf("%d of %d pairs kept: the test needs them all (data.max_len %d)", len(c.Train), len(pairs), cfg.Data.MaxLen)
	}
	split := 0
	for i, p := range c.Train {
		srcPieces, tgtPieces := c.Src.Decode(p.Src), c.Tgt.Decode(p.Tgt)
		if len(srcPieces) > len(pairs[i].Src) {
			split++
		}
		back, err := align.MergeLinks(p.Links, align.WordStarts(srcPieces), align.WordStarts(tgtPieces))
		if err != nil {
			t.Fatalf("pair %d: %v", i, err)
		}
		if got, want := align.FormatLine(back), align.FormatLine(gold[i]); got != want {
			t.Fatalf("pair %d (%q): piece links %q merge to %q, want the gold %q", i, srcPieces, align.FormatLine(p.Links), got, want)
		}
	}
	if split == 0 {
		t.Errorf("no source sentence was cut into more pieces than words: vocab_size %d too large for the test", cfg.Data.VocabSize)
	}
}

// TestBPEGuidedRunDeterministic trains micro with bpe and guided
// alignment twice: the guided term is logged at every step, the two runs
// end bitwise equal, and not with the weights of the same run unguided.
func TestBPEGuidedRunDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	a := runMicro(t, bpeGuidedMicro(t, dir+"/a"), Options{})
	b := runMicro(t, bpeGuidedMicro(t, dir+"/b"), Options{})
	if a.Step != 6 {
		t.Fatalf("run ended at step %d, want 6", a.Step)
	}
	if a.WeightsHash != b.WeightsHash {
		t.Errorf("two runs: weights %s and %s, want equal", a.WeightsHash, b.WeightsHash)
	}
	sameLosses(t, readLosses(t, b.RunDir), readLosses(t, a.RunDir))
	off := bpeGuidedMicro(t, dir+"/off")
	off.Train.GuidedAlignment.Weight = 0
	if plain := runMicro(t, off, Options{}); plain.WeightsHash == a.WeightsHash {
		t.Errorf("guided run ended with the unguided run's weights %s", a.WeightsHash)
	}
	guided := readGuided(t, a.RunDir)
	if len(guided) != 6 {
		t.Fatalf("guided_loss logged at %d steps, want 6", len(guided))
	}
	for step, g := range guided {
		if !(g > 0 && g < 20) {
			t.Errorf("step %d: guided_loss %v, want in (0, 20)", step, g)
		}
	}
}
