package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seq2seq/transformer/serve"
)

// serveResponse is the part of a translate answer the tests read.
type serveResponse struct {
	Translations []string
	Scores       []float64
	Tokens       struct{ Source, Target [][]string }
	Attention    struct {
		Cross       [][][][][]float64
		DecoderSelf [][][][][]float64 `json:"decoder_self"`
		EncoderSelf [][][][][]float64 `json:"encoder_self"`
	}
	Error string
}

// microServer serves the micro checkpoint through httptest.
func microServer(t *testing.T, opt serve.BatchOptions) (*serve.Server, string) {
	t.Helper()
	be, err := serve.NewModelBackend(microModel(t), "")
	if err != nil {
		t.Fatal(err)
	}
	s := serve.New(be, serve.DefaultLimits, opt, nil)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return s, ts.URL
}

// postTranslate posts body and decodes the answer, failing unless 200.
func postTranslate(t *testing.T, url string, body any) *serveResponse {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(url+"/v1/translate", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Error(err)
		return nil
	}
	defer resp.Body.Close()
	var out serveResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Errorf("POST %s: status %d, error %q, decode: %v", b, resp.StatusCode, out.Error, err)
		return nil
	}
	return &out
}

// TestServeMatchesTranslate translates the micro test set with train
// translate, then through the server as single-sentence requests from 8
// concurrent clients and as one request of all sentences: the outputs
// must be identical, and the scores the same however the batches fell.
func TestServeMatchesTranslate(t *testing.T) {
	_, runDir := microRun(t)
	srcs := testSources(t)
	s, url := microServer(t, serve.BatchOptions{MaxBatch: 8, Wait: 2 * time.Millisecond, Queue: 256, Workers: 2})
	for _, beam := range []int{1, 3} {
		want, err := runTranslate(t, strings.Join(srcs, "\n")+"\n", "--checkpoint", runDir, "--beam", strconv.Itoa(beam))
		if err != nil {
			t.Fatal(err)
		}
		if distinct := len(uniq(want)); distinct < 2 {
			t.Fatalf("beam %d: translate gives %d distinct outputs: nothing to compare", beam, distinct)
		}
		all := postTranslate(t, url, map[string]any{"texts": srcs, "beam": beam})
		if all == nil {
			t.FailNow()
		}
		got := make([]*serveResponse, len(srcs))
		var wg sync.WaitGroup
		next := make(chan int)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					got[i] = postTranslate(t, url, map[string]any{"text": srcs[i], "beam": beam})
				}
			}()
		}
		for i := range srcs {
			next <- i
		}
		close(next)
		wg.Wait()
		for i, src := range srcs {
			if got[i] == nil {
				t.FailNow()
			}
			if got[i].Translations[0] != want[i] || all.Translations[i] != want[i] {
				t.Errorf("beam %d: %q: served %q alone and %q together, translate gives %q", beam, src, got[i].Translations[0], all.Translations[i], want[i])
			}
			if a, b := got[i].Scores[0], all.Scores[i]; math.Abs(a-b) > 1e-9 || !(a < 0) {
				t.Errorf("beam %d: %q: score %v alone, %v together; want equal and negative", beam, src, a, b)
			}
		}
	}
	if st := s.Stats(); st.Sentences < int64(4*len(srcs)) || st.MaxBatch < 2 {
		t.Errorf("stats %+v: want every sentence decoded and some batches of several", st)
	}
}

// uniq returns the distinct strings of ss.
func uniq(ss []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range ss {
		m[s] = true
	}
	return m
}

// TestServeAttentionMatches compares the served attention with the
// translator's own for the served translation.
func TestServeAttentionMatches(t *testing.T) {
	l := microModel(t)
	tr := l.Translator()
	srcs := testSources(t)[:3]
	_, url := microServer(t, serve.BatchOptions{MaxBatch: 8, Wait: time.Millisecond, Queue: 64, Workers: 2})
	got := postTranslate(t, url, map[string]any{"texts": srcs, "beam": 1, "attention": true, "self_attention": true})
	if got == nil {
		t.FailNow()
	}
	for i, src := range srcs {
		ids := l.Src.Encode(strings.Fields(src))
		out, err := tr.Greedy([][]int{ids})
		if err != nil {
			t.Fatal(err)
		}
		want, err := tr.Attention(ids, out[0])
		if err != nil {
			t.Fatal(err)
		}
		for name, pair := range map[string][2][][][][]float64{
			"cross":        {got.Attention.Cross[i], want.Cross},
			"decoder_self": {got.Attention.DecoderSelf[i], want.DecoderSelf},
			"encoder_self": {got.Attention.EncoderSelf[i], want.EncoderSelf},
		} {
			if !closeNested(pair[0], pair[1], 6e-5) {
				t.Errorf("%q: served %s attention differs from Translator.Attention", src, name)
			}
		}
		if n := len(got.Tokens.Target[i]) + 1; len(got.Attention.Cross[i][0][0]) != n {
			t.Errorf("%q: %d cross-attention rows, want %d (target + EOS)", src, len(got.Attention.Cross[i][0][0]), n)
		}
	}
}

// closeNested reports whether two [layer][head][row][col] arrays have the
// same shape and values within tol.
func closeNested(a, b [][][][]float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for l := range a {
		if len(a[l]) != len(b[l]) {
			return false
		}
		for h := range a[l] {
			if len(a[l][h]) != len(b[l][h]) {
				return false
			}
			for r := range a[l][h] {
				if len(a[l][h][r]) != len(b[l][h][r]) {
					return false
				}
				for c := range a[l][h][r] {
					if math.Abs(a[l][h][r][c]-b[l][h][r][c]) > tol {
						return false
					}
				}
			}
		}
	}
	return true
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeCmdStopsCleanly runs train serve, translates through it, and
// cancels its context as SIGTERM does: it must return nil, having logged
// the request.
func TestServeCmdStopsCleanly(t *testing.T) {
	_, runDir := microRun(t)
	url, stop, stderr := startServe(t, "--checkpoint", runDir, "--addr", "127.0.0.1:0")
	if got := postTranslate(t, url, map[string]any{"text": testSources(t)[0]}); got == nil || len(got.Translations) != 1 {
		t.Fatalf("translate through train serve: %+v", got)
	}
	resp, err := http.Get(url + "/v1/model")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !regexp.MustCompile(`"weights_sha256":"[0-9a-f]{64}"`).Match(body) || !strings.Contains(string(body), `"tokenizer":"words"`) {
		t.Errorf("GET /v1/model = %s", body)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve = %v after cancel, want nil", err)
	}
	if log := stderr(); !regexp.MustCompile(`POST /v1/translate 200 sentences=1 [0-9.]+ms`).MatchString(log) {
		t.Errorf("no request log line in %q", log)
	}
}

// TestBenchServe runs bench-serve on the micro test set: every request of
// the normal runs is answered 200, and the overload run's answers are 200
// or 503.
func TestBenchServe(t *testing.T) {
	_, runDir := microRun(t)
	src := filepath.Join(micro.root, "data", "test.src")
	var stdout bytes.Buffer
	args := []string{"bench-serve", "--checkpoint", runDir, "--src", src, "--clients", "1,4", "--overload-queue", "1", "--beam", "1"}
	if err := run(context.Background(), args, strings.NewReader(""), &stdout, io.Discard); err != nil {
		t.Fatalf("bench-serve: %v\n%s", err, stdout.String())
	}
	n := len(testSources(t))
	rows := regexp.MustCompile(`(?m)^(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$`).FindAllStringSubmatch(stdout.String(), -1)
	if len(rows) != 3 || !strings.Contains(stdout.String(), "offline translate:") {
		t.Fatalf("bench-serve output:\n%s\nwant an offline line and 3 rows", stdout.String())
	}
	for i, r := range rows {
		req, _ := strconv.Atoi(r[3])
		ok, _ := strconv.Atoi(r[4])
		busy, _ := strconv.Atoi(r[5])
		if req != n || ok+busy != n || (i < 2 && busy != 0) {
			t.Errorf("row %q: %d requests, %d ok, %d busy; want %d, all ok outside overload", r[0], req, ok, busy, n)
		}
	}
}
