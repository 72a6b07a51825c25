package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seq2seq/transformer/serve"
)

// TestServeAlignmentMatchesAlign translates micro test sentences through
// the server with "alignment": true and aligns the same source and
// translation pairs with train align: the links must be the same.
func TestServeAlignmentMatchesAlign(t *testing.T) {
	_, runDir := microRun(t)
	_, url := microServer(t, serve.BatchOptions{MaxBatch: 8, Wait: time.Millisecond, Queue: 64, Workers: 2})
	b, err := os.ReadFile(filepath.Join(micro.root, "data", "test.src"))
	if err != nil {
		t.Fatal(err)
	}
	texts := strings.Split(strings.TrimSpace(string(b)), "\n")[:12]
	body, _ := json.Marshal(map[string]any{"texts": texts, "alignment": true})
	resp, err := http.Post(url+"/v1/translate", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Tokens    struct{ Source, Target [][]string }
		Alignment [][][2]int
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 || len(got.Alignment) != len(texts) {
		t.Fatalf("translate: status %d, %d alignments for %d texts, decode: %v", resp.StatusCode, len(got.Alignment), len(texts), err)
	}
	var stdin strings.Builder
	for i := range texts {
		fmt.Fprintf(&stdin, "%s ||| %s\n", strings.Join(got.Tokens.Source[i], " "), strings.Join(got.Tokens.Target[i], " "))
	}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"align", "--checkpoint", runDir}, strings.NewReader(stdin.String()), &stdout, &stderr); err != nil {
		t.Fatalf("train align: %v\n%s", err, stderr.String())
	}
	want := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	if len(want) != len(texts) {
		t.Fatalf("train align wrote %d lines for %d pairs", len(want), len(texts))
	}
	for i, links := range got.Alignment {
		parts := make([]string, len(links))
		for k, l := range links {
			parts[k] = fmt.Sprintf("%d-%d", l[0], l[1])
		}
		if g := strings.Join(parts, " "); g != want[i] {
			t.Errorf("pair %d %q: serve links %q, train align %q", i+1, strings.TrimSpace(strings.SplitN(stdin.String(), "\n", i+2)[i]), g, want[i])
		}
	}
}

// TestServeReportMatchesAlignReport computes the alignment report of the
// micro model over its whole validation split through the server and
// compares it with the table of train align --report.
func TestServeReportMatchesAlignReport(t *testing.T) {
	_, runDir := microRun(t)
	l := microModel(t)
	be, err := serve.NewModelBackend(l, "")
	if err != nil {
		t.Fatal(err)
	}
	s, url := microServer(t, serve.BatchOptions{MaxBatch: 8, Wait: time.Millisecond, Queue: 64, Workers: 1})
	s.StartReport(func(ctx context.Context) (*serve.AlignmentReport, error) { return be.ValidReport(ctx, 1<<30) })
	var rep serve.AlignmentReport
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(url + "/v1/alignment-report")
		if err != nil {
			t.Fatal(err)
		}
		status := resp.StatusCode
		err = json.NewDecoder(resp.Body).Decode(&rep)
		resp.Body.Close()
		if status == 200 && err == nil {
			break
		}
		if status != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("alignment report: status %d, decode: %v", status, err)
		}
	}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"align", "--checkpoint", runDir, "--report"}, strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("train align --report: %v\n%s", err, stderr.String())
	}
	var table strings.Builder
	table.WriteString("| AER % | ")
	for h := range rep.Heads {
		fmt.Fprintf(&table, "head %d | ", h)
	}
	table.WriteString("average |\n|---|" + strings.Repeat("---|", rep.Heads+1) + "\n")
	for li, hs := range rep.AER {
		fmt.Fprintf(&table, "| layer %d | ", li)
		for _, x := range hs {
			fmt.Fprintf(&table, "%.1f | ", 100*x)
		}
		fmt.Fprintf(&table, "%.1f |\n", 100*rep.Average[li])
	}
	b := rep.BestHead
	fmt.Fprintf(&table, "best head: layer %d, head %d, AER %.2f%%", b.Layer, b.Head, 100*b.AER)
	if !strings.HasPrefix(stdout.String(), table.String()) {
		t.Errorf("the server's report (%d pairs) reads\n%s\ntrain align --report printed\n%s", rep.Sentences, table.String(), stdout.String())
	}
}

// TestServeCmdReport runs train serve with --report-sentences: the report
// covers that many validation pairs, and 0 asks for none (404).
func TestServeCmdReport(t *testing.T) {
	_, runDir := microRun(t)
	tests := []struct {
		n         string
		status    int
		sentences int
	}{
		{"5", 200, 5},
		{"0", 404, 0},
	}
	for _, tc := range tests {
		url, stop, _ := startServe(t, "--checkpoint", runDir, "--addr", "127.0.0.1:0", "--report-sentences", tc.n)
		var status int
		var body struct {
			Sentences int
			Error     string
		}
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			resp, err := http.Get(url + "/v1/alignment-report")
			if err != nil {
				t.Fatal(err)
			}
			status = resp.StatusCode
			body.Sentences, body.Error = 0, "" // a 200 after a 503 carries no error field
			json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if status != http.StatusServiceUnavailable || time.Now().After(deadline) {
				break
			}
		}
		if status != tc.status || body.Sentences != tc.sentences || (status != 200) != (body.Error != "") {
			t.Errorf("--report-sentences %s: %d %+v, want %d with %d sentences", tc.n, status, body, tc.status, tc.sentences)
		}
		if err := stop(); err != nil {
			t.Errorf("--report-sentences %s: serve = %v after cancel, want nil", tc.n, err)
		}
	}
}

// startServe runs train serve with args until stop is called, and returns
// its URL and a reader of what it has written to stderr so far.
func startServe(t *testing.T, args ...string) (url string, stop func() error, stderr func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var stdout, errOut syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), strings.NewReader(""), &stdout, &errOut) }()
	addr := regexp.MustCompile(`on (http://[0-9.:]+)/`)
	for deadline := time.Now().Add(30 * time.Second); url == ""; time.Sleep(5 * time.Millisecond) {
		if m := addr.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve returned %v early; stderr:\n%s", err, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start; stdout %q", stdout.String())
		}
	}
	return url, func() error { cancel(); return <-done }, errOut.String
}
