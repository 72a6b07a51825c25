package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// testServer serves a fake backend with the given limits and batching.
func testServer(t *testing.T, be Backend, lim Limits, opt BatchOptions) (*Server, *httptest.Server) {
	t.Helper()
	s := New(be, lim, opt, nil)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return s, ts
}

// remoteRef matches a reference the page would load from elsewhere.
var remoteRef = regexp.MustCompile(`(src|href)=["']?(https?:)?//|url\((["']?)(https?:)?//|fetch\(["'](https?:)?//|@import`)

var quick = BatchOptions{MaxBatch: 8, Wait: time.Millisecond, Queue: 64, Workers: 2}

// postJSON posts body and decodes the JSON answer into a map.
func postJSON(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url+"/v1/translate", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("POST %s: body %q is not a JSON object: %v", body, b, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("POST %s: Content-Type %q", body, ct)
	}
	return resp.StatusCode, out
}

func TestTranslateFake(t *testing.T) {
	_, ts := testServer(t, &fakeBackend{}, DefaultLimits, quick)
	tests := []struct {
		body   string
		trans  []string
		scores []float64
	}{
		{`{"text": "a b c"}`, []string{"C B A"}, []float64{-6}},
		{`{"texts": ["x y", "", "z"], "beam": 1}`, []string{"Y X", "", "Z"}, []float64{-2, 0, -1}},
		{`{"texts": []}`, []string{}, []float64{}},
		{`{"text": "a\u0000b\tc\nd"}`, []string{"D C B A"}, []float64{-8}},
		{"{\"text\": \"caf\xe9 ok\"}", []string{"OK CAF\uFFFD"}, []float64{-4}},
	}
	for _, tc := range tests {
		status, out := postJSON(t, ts.URL, tc.body)
		if status != http.StatusOK {
			t.Fatalf("POST %s: status %d %v", tc.body, status, out)
		}
		var got struct {
			Translations []string
			Scores       []float64
		}
		b, _ := json.Marshal(out)
		json.Unmarshal(b, &got)
		if !reflect.DeepEqual(got.Translations, tc.trans) || !reflect.DeepEqual(got.Scores, tc.scores) {
			t.Errorf("POST %s = %q %v, want %q %v", tc.body, got.Translations, got.Scores, tc.trans, tc.scores)
		}
		if _, ok := out["attention"]; ok {
			t.Errorf("POST %s: attention returned without being asked", tc.body)
		}
	}
}

func TestTranslateAttentionFake(t *testing.T) {
	_, ts := testServer(t, &fakeBackend{}, DefaultLimits, quick)
	resp, err := http.Post(ts.URL+"/v1/translate", "application/json", strings.NewReader(`{"texts": ["a b", "c"], "attention": true}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got translateResponse
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := [][][][][]float64{reversal(2).Cross, reversal(1).Cross}
	if !reflect.DeepEqual(got.Attention.Cross, want) {
		t.Errorf("cross attention = %v, want %v", got.Attention.Cross, want)
	}
	if got.Alignment != nil {
		t.Errorf("alignment %v returned by a backend without alignments", got.Alignment)
	}
	if got.Attention.DecoderSelf != nil || got.Attention.EncoderSelf != nil {
		t.Errorf("self-attention returned without self_attention")
	}
	if !reflect.DeepEqual(got.Tokens.Source, [][]string{{"a", "b"}, {"c"}}) || !reflect.DeepEqual(got.Tokens.Target, [][]string{{"B", "A"}, {"C"}}) {
		t.Errorf("tokens = %v", got.Tokens)
	}
}

// TestLimits checks every limit's status and that its body is a JSON error.
func TestLimits(t *testing.T) {
	lim := Limits{MaxBody: 200, MaxSentences: 3, MaxTokens: 6, Timeout: time.Minute}
	_, ts := testServer(t, &fakeBackend{}, lim, quick)
	tests := []struct {
		name, body string
		status     int
	}{
		{"body too large", `{"text": "` + strings.Repeat("a ", 200) + `"}`, 413},
		{"malformed", `{"text": `, 400},
		{"not an object", `["a"]`, 400},
		{"wrong type", `{"text": 3}`, 400},
		{"texts wrong type", `{"texts": "a"}`, 400},
		{"beam wrong type", `{"text": "a", "beam": "2"}`, 400},
		{"unknown field", `{"text": "a", "bogus": 1}`, 400},
		{"both text and texts", `{"text": "a", "texts": ["b"]}`, 400},
		{"neither", `{}`, 400},
		{"null text", `{"text": null}`, 400},
		{"trailing data", `{"text": "a"} {"text": "b"}`, 400},
		{"beam zero", `{"text": "a", "beam": 0}`, 400},
		{"beam too wide", `{"text": "a", "beam": 17}`, 400},
		{"too many sentences", `{"texts": ["a", "b", "c", "d"]}`, 400},
		{"too many tokens", `{"texts": ["a b c", "d e f g"]}`, 413},
		{"at the limits", `{"texts": ["a b c", "d e f"], "beam": 16}`, 200},
	}
	for _, tc := range tests {
		status, out := postJSON(t, ts.URL, tc.body)
		if status != tc.status {
			t.Errorf("%s: status %d %v, want %d", tc.name, status, out, tc.status)
		}
		if msg, ok := out["error"].(string); tc.status != 200 && (!ok || msg == "") {
			t.Errorf("%s: body %v has no error message", tc.name, out)
		}
	}
	for _, path := range []string{"/nowhere", "/v1/translate"} {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := map[string]int{"/nowhere": 404, "/v1/translate": 405}[path]; resp.StatusCode != want {
			t.Errorf("GET %s: status %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// TestQueueFullAndTimeout holds the only worker, fills the queue, and
// checks that one more request gets 503 at once and a queued one 504 at
// its timeout.
func TestQueueFullAndTimeout(t *testing.T) {
	fb := &fakeBackend{gate: make(chan struct{}), started: make(chan int, 10)}
	lim := DefaultLimits
	lim.Timeout = 300 * time.Millisecond
	s, ts := testServer(t, fb, lim, BatchOptions{MaxBatch: 1, Wait: 0, Queue: 2, Workers: 1})
	defer close(fb.gate)
	results := make(chan int, 3)
	send := func() {
		status, _ := postJSON(t, ts.URL, `{"text": "a"}`)
		results <- status
	}
	go send()
	<-fb.started // the worker holds the first request
	go send()
	go send()
	waitFor(t, func() bool { return s.Stats().Queued == 2 })
	start := time.Now()
	status, out := postJSON(t, ts.URL, `{"text": "b"}`)
	if status != http.StatusServiceUnavailable || time.Since(start) > lim.Timeout {
		t.Errorf("with a full queue: status %d %v after %v, want 503 at once", status, out, time.Since(start))
	}
	for range 3 {
		if got := <-results; got != http.StatusGatewayTimeout {
			t.Errorf("held request: status %d, want 504", got)
		}
	}
	if st := s.Stats(); st.Rejected != 1 {
		t.Errorf("stats %+v, want 1 rejected", st)
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5 s")
		}
	}
}

// TestBatchingUnderConcurrency holds the worker on a first request while
// others arrive: they must then be decoded together in shared batches.
func TestBatchingUnderConcurrency(t *testing.T) {
	fb := &fakeBackend{gate: make(chan struct{}), started: make(chan int, 100)}
	s, ts := testServer(t, fb, DefaultLimits, BatchOptions{MaxBatch: 8, Wait: 20 * time.Millisecond, Queue: 64, Workers: 1})
	var wg sync.WaitGroup
	post := func(text string) {
		defer wg.Done()
		status, out := postJSON(t, ts.URL, `{"text": "`+text+`"}`)
		if want := strings.ToUpper(text); status != 200 || out["translations"].([]any)[0] != want {
			t.Errorf("POST %q: %d %v, want %q", text, status, out, want)
		}
	}
	wg.Add(1)
	go post("first")
	<-fb.started
	for i := range 12 {
		wg.Add(1)
		go post(strings.Repeat("w", i+1))
	}
	waitFor(t, func() bool { return s.Stats().Queued == 12 })
	close(fb.gate)
	wg.Wait()
	st := s.Stats()
	if st.Sentences != 13 || st.Batches != 3 || st.SharedBatches != 2 || st.MaxBatch != 8 {
		t.Errorf("stats %+v, want 13 sentences in 3 batches (1, 8, 4), 2 shared", st)
	}
}

func TestBatchesKeepBeamsApart(t *testing.T) {
	fb := &fakeBackend{gate: make(chan struct{}), started: make(chan int, 100)}
	s, ts := testServer(t, fb, DefaultLimits, BatchOptions{MaxBatch: 8, Wait: 20 * time.Millisecond, Queue: 64, Workers: 1})
	var wg sync.WaitGroup
	for i, beam := range []int{1, 1, 2, 1, 2, 3} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, out := postJSON(t, ts.URL, `{"text": "a b", "beam": `+string(rune('0'+beam))+`}`)
			if status != 200 || out["scores"].([]any)[0] != float64(-2*beam) {
				t.Errorf("request %d beam %d: %d %v", i, beam, status, out)
			}
		}()
		if i == 0 {
			<-fb.started
		}
	}
	waitFor(t, func() bool { return s.Stats().Queued == 5 })
	close(fb.gate)
	wg.Wait()
	if st := s.Stats(); st.Batches != 4 {
		t.Errorf("stats %+v, want 4 batches (beam 1; 1,1; 2,2; 3)", st)
	}
}

func TestBackendFailures(t *testing.T) {
	_, ts := testServer(t, &fakeBackend{}, DefaultLimits, quick)
	for _, text := range []string{"PANIC now", "FAIL now"} {
		status, out := postJSON(t, ts.URL, `{"text": "`+text+`"}`)
		if status != 500 || out["error"] == nil {
			t.Errorf("%s: %d %v, want 500 with an error", text, status, out)
		}
	}
	if status, _ := postJSON(t, ts.URL, `{"text": "fine"}`); status != 200 {
		t.Errorf("after failures: status %d, want 200", status)
	}
}

func TestInfoRoutes(t *testing.T) {
	_, ts := testServer(t, &fakeBackend{}, DefaultLimits, quick)
	for path, want := range map[string]string{"/healthz": `"status":"ok"`, "/v1/model": `"weights_sha256":"abc"`, "/v1/stats": `"batches":0`, "/": "<table"} {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Contains(b, []byte(want)) && path != "/" {
			t.Errorf("GET %s: %d %.200s, want 200 with %s", path, resp.StatusCode, b, want)
		}
		if path == "/" && (!bytes.Contains(b, []byte(`id="heatmap"`)) || remoteRef.Match(b)) {
			t.Errorf("GET /: the page lacks the heatmap or loads something from elsewhere")
		}
	}
}

// TestShutdownFinishesInFlight cancels Serve while a request is being
// decoded: the request must still be answered and Serve return nil.
func TestShutdownFinishesInFlight(t *testing.T) {
	fb := &fakeBackend{gate: make(chan struct{}), started: make(chan int, 1)}
	s := New(fb, DefaultLimits, quick, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln, 10*time.Second) }()
	url := "http://" + ln.Addr().String()
	answer := make(chan int, 1)
	go func() {
		status, _ := postJSON(t, url, `{"text": "in flight"}`)
		answer <- status
	}()
	<-fb.started
	cancel()
	time.Sleep(50 * time.Millisecond) // Shutdown has closed the listener
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Errorf("a new request was accepted during shutdown")
	}
	select {
	case err := <-done:
		t.Fatalf("Serve returned %v before the request in flight finished", err)
	default:
	}
	close(fb.gate)
	if status := <-answer; status != 200 {
		t.Errorf("in-flight request: status %d, want 200", status)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
}

func TestTranslateAfterClose(t *testing.T) {
	s := New(&fakeBackend{}, DefaultLimits, quick, nil)
	h := s.Handler()
	s.Close()
	s.Close() // twice is harmless
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/translate", strings.NewReader(`{"text": "a"}`)))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "stopping") {
		t.Errorf("after Close: %d %s, want 503 server stopping", rec.Code, rec.Body.String())
	}
}

func TestAlignmentPassesThrough(t *testing.T) {
	_, ts := testServer(t, &fakeBackend{}, DefaultLimits, quick)
	_, out := postJSON(t, ts.URL, `{"texts": ["ALIGN x y", "plain"]}`)
	b, _ := json.Marshal(out["alignment"])
	if want := `[[[0,2],[1,1],[2,0]],null]`; string(b) != want {
		t.Errorf("alignment = %s, want %s", b, want)
	}
}
