package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/serve"
	"github.com/seq2seq/transformer/train"
)

// bpeMicroRun is configs/micro.yaml on the raw toy corpus with the bpe
// tokenizer (bpeMicro), trained for 20 steps once per test binary under
// micro.root.
var bpeMicroRun struct {
	once   sync.Once
	runDir string
	err    error
}

// bpeRun returns the shared bpe micro run directory, training it on first
// use; under -short the calling test is skipped.
func bpeRun(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the trained bpe micro checkpoint; training skipped in -short mode")
	}
	bpeMicroRun.once.Do(func() { bpeMicroRun.runDir, bpeMicroRun.err = trainBPEMicro() })
	if bpeMicroRun.err != nil {
		t.Fatalf("train the bpe micro checkpoint: %v", bpeMicroRun.err)
	}
	return bpeMicroRun.runDir
}

// trainBPEMicro writes and trains the bpe micro config under micro.root.
func trainBPEMicro() (string, error) {
	dir := filepath.Join(micro.root, "bpe")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "configs", "micro.yaml"))
	if err != nil {
		return "", err
	}
	text := bpeMicro(strings.Replace(string(b), "dir: data/micro", "dir: "+filepath.Join(dir, "data"), 1))
	cfg := filepath.Join(dir, "micro.yaml")
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		return "", err
	}
	out := filepath.Join(dir, "out")
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"--config", cfg, "--out", out, "--steps", "20"}, nil, &bytes.Buffer{}, &stderr); err != nil {
		return "", fmt.Errorf("%w\n%s", err, stderr.String())
	}
	return filepath.Join(out, "micro"), nil
}

// bpeTestPairs returns the first n pairs of the bpe run's raw test split
// as lines.
func bpeTestPairs(t *testing.T, n int) (srcs, tgts []string) {
	t.Helper()
	bpeRun(t)
	read := func(ext string) []string {
		b, err := os.ReadFile(filepath.Join(micro.root, "bpe", "data", "test."+ext))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		return lines[:min(n, len(lines))]
	}
	return read("src"), read("tgt")
}

// subwordResponse is the part of a subword model's translate answer the
// test reads.
type subwordResponse struct {
	Translations []string
	Tokens       struct{ Source, Target [][]string }
	Words        *struct{ Source, Target [][]string }
	Alignment    [][][2]int
}

// TestServeSubword serves a bpe checkpoint: its translations of raw lines
// are train translate's, GET /v1/model names bpe, the tokens are pieces,
// and the alignment links words: the source's whitespace-separated words
// and the translation's.
func TestServeSubword(t *testing.T) {
	runDir := bpeRun(t)
	srcs, _ := bpeTestPairs(t, 12)
	srcs = append(srcs, "Anna, the dog sees the cat in 1987.")
	l, err := train.LoadModel(runDir)
	if err != nil {
		t.Fatal(err)
	}
	be, err := serve.NewModelBackend(l, "")
	if err != nil {
		t.Fatal(err)
	}
	s := serve.New(be, serve.DefaultLimits, serve.BatchOptions{MaxBatch: 4, Queue: 64, Workers: 1}, nil)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })

	resp, err := http.Get(ts.URL + "/v1/model")
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]any
	json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if info["tokenizer"] != "bpe" {
		t.Errorf("GET /v1/model tokenizer %v, want bpe", info["tokenizer"])
	}

	for _, beam := range []int{1, 3} {
		want, err := runTranslate(t, strings.Join(srcs, "\n")+"\n", "--checkpoint", runDir, "--beam", fmt.Sprint(beam))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(map[string]any{"texts": srcs, "beam": beam, "alignment": true})
		resp, err := http.Post(ts.URL+"/v1/translate", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var got subwordResponse
		err = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || got.Words == nil {
			t.Fatalf("beam %d: status %d, %v, words %v", beam, resp.StatusCode, err, got.Words)
		}
		for i, src := range srcs {
			if got.Translations[i] != want[i] {
				t.Errorf("beam %d: %q: served %q, translate gives %q", beam, src, got.Translations[i], want[i])
			}
			if pieces := got.Tokens.Source[i]; len(pieces) <= len(strings.Fields(src)) || !strings.HasPrefix(pieces[0], align.WordMark) {
				t.Errorf("beam %d: source tokens %q of %q: want bpe pieces", beam, pieces, src)
			}
			if w := got.Words.Source[i]; !slices.Equal(w, strings.Fields(src)) {
				t.Errorf("beam %d: source words %q, want %q", beam, w, strings.Fields(src))
			}
			if w := got.Words.Target[i]; !slices.Equal(w, strings.Fields(want[i])) {
				t.Errorf("beam %d: target words %q, want the words of %q", beam, w, want[i])
			}
			checkWordLinks(t, got.Alignment[i], len(strings.Fields(src)), len(strings.Fields(want[i])))
		}
	}
}

// checkWordLinks checks that links give each of tgt target words one
// source word in [0, src).
func checkWordLinks(t *testing.T, links [][2]int, src, tgt int) {
	t.Helper()
	if len(links) != tgt {
		t.Errorf("%d links %v for %d target words, want one each", len(links), links, tgt)
	}
	seen := map[int]bool{}
	for _, l := range links {
		if l[0] < 0 || l[0] >= src || l[1] < 0 || l[1] >= tgt || seen[l[1]] {
			t.Errorf("link %v outside %d source × %d target words or repeated", l, src, tgt)
		}
		seen[l[1]] = true
	}
}

// TestAlignSubword aligns raw pairs with a bpe checkpoint: one link per
// target word, inside the words of the raw lines; translate --alignments
// links the words of its source and translation; without gold
// alignments for the raw corpus, --report and --best-head say so.
func TestAlignSubword(t *testing.T) {
	runDir := bpeRun(t)
	srcs, tgts := bpeTestPairs(t, 12)
	lines, _ := alignPairs(t, srcs, tgts, "--checkpoint", runDir)
	if len(lines) != len(srcs) {
		t.Fatalf("align printed %d lines for %d pairs", len(lines), len(srcs))
	}
	l, err := train.LoadModel(runDir)
	if err != nil {
		t.Fatal(err)
	}
	a := &aligner{l: l, tr: l.Translator()}
	multi := 0
	for i, line := range lines {
		links, err := align.ParseLine(line)
		if err != nil {
			t.Fatalf("line %d %q: %v", i+1, line, err)
		}
		checkLinks(t, links, len(strings.Fields(srcs[i])), len(strings.Fields(tgts[i])))
		srcPieces, tgtPieces := l.Tok.EncodeSource(srcs[i]), l.Tok.Tgt.Encode(tgts[i])
		if len(srcPieces) > len(strings.Fields(srcs[i])) {
			multi++
		}
		checkMerged(t, a, data.Pair{Src: strings.Fields(srcs[i]), Tgt: strings.Fields(tgts[i])}, srcPieces, tgtPieces)
	}
	if multi == 0 {
		t.Errorf("no source line has a word of several pieces: nothing merged")
	}

	out, err := runTranslate(t, strings.Join(srcs, "\n")+"\n", "--checkpoint", runDir, "--alignments")
	if err != nil {
		t.Fatal(err)
	}
	hyps, links := alignedLines(t, out)
	for i := range hyps {
		checkLinks(t, links[i], len(strings.Fields(srcs[i])), len(strings.Fields(hyps[i])))
	}

	for _, flag := range []string{"--report", "--best-head"} {
		_, _, err := runAlign(t, srcs[0]+" ||| "+tgts[0]+"\n", "--checkpoint", runDir, flag)
		if err == nil || !strings.Contains(err.Error(), "valid.align does not exist") || !strings.Contains(err.Error(), "--gold") {
			t.Errorf("align %s without gold: %v, want an error saying valid.align does not exist", flag, err)
		}
	}
}

// checkMerged checks that the aligner's word attention of p is the
// attention of its pieces forced through the model, merged into words.
func checkMerged(t *testing.T, a *aligner, p data.Pair, srcPieces, tgtPieces []string) {
	t.Helper()
	got, err := a.cross(p)
	if err != nil {
		t.Fatal(err)
	}
	pieces, err := a.forced(srcPieces, tgtPieces)
	if err != nil {
		t.Fatal(err)
	}
	for l, heads := range pieces {
		for h, m := range heads {
			want, err := align.MergePieces(m, align.WordStarts(srcPieces), align.WordStarts(tgtPieces))
			if err != nil {
				t.Fatal(err)
			}
			if len(got[l][h]) != len(want) || fmt.Sprint(got[l][h]) != fmt.Sprint(want) {
				t.Errorf("%q layer %d head %d: word attention %v, want the merged pieces' %v", p.Src, l, h, got[l][h], want)
			}
		}
	}
}

// checkLinks checks that links give each of tgt target words one source
// word in [0, src).
func checkLinks(t *testing.T, links []align.Link, src, tgt int) {
	t.Helper()
	pairs := make([][2]int, len(links))
	for i, l := range links {
		pairs[i] = [2]int{l.Src, l.Tgt}
	}
	checkWordLinks(t, pairs, src, tgt)
}
