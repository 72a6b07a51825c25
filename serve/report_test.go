package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"testing"
)

// getReport fetches GET /v1/alignment-report and decodes its JSON body.
func getReport(t *testing.T, url string) (int, http.Header, map[string]any) {
	t.Helper()
	resp, err := http.Get(url + "/v1/alignment-report")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("alignment report body %q is not a JSON object: %v", b, err)
	}
	return resp.StatusCode, resp.Header, out
}

// TestAlignmentReportStates walks the endpoint through its states with
// report functions standing in for a model.
func TestAlignmentReportStates(t *testing.T) {
	fake := &AlignmentReport{Split: "valid", Sentences: 3, Layers: 1, Heads: 2, AER: [][]float64{{0.5, 0.25}}, Average: []float64{0.3},
		BestHead: HeadScore{Layer: 0, Head: 1, AER: 0.25}, BestAverage: HeadScore{Layer: 0, Head: -1, AER: 0.3}}
	tests := []struct {
		name   string
		f      ReportFunc // nil: StartReport not called
		status int
		field  string // a key the body must hold
	}{
		{"not asked for", nil, 404, "error"},
		{"no gold", func(context.Context) (*AlignmentReport, error) {
			return nil, fmt.Errorf("%w: valid.align is missing", ErrNoGold)
		}, 404, "error"},
		{"failed", func(context.Context) (*AlignmentReport, error) { return nil, errors.New("bad line") }, 500, "error"},
		{"ready", func(context.Context) (*AlignmentReport, error) { return fake, nil }, 200, "best_head"},
	}
	for _, tc := range tests {
		s, ts := testServer(t, &fakeBackend{}, DefaultLimits, quick)
		if tc.f != nil {
			s.StartReport(tc.f)
			s.report.stop() // wait for it: stop only cancels a running one
		}
		status, _, out := getReport(t, ts.URL)
		if status != tc.status || out[tc.field] == nil {
			t.Errorf("%s: %d %v, want %d with %q", tc.name, status, out, tc.status, tc.field)
		}
		if tc.status == 200 {
			var got AlignmentReport
			b, _ := json.Marshal(out)
			json.Unmarshal(b, &got)
			if !reflect.DeepEqual(&got, fake) {
				t.Errorf("%s: report %+v, want %+v", tc.name, got, *fake)
			}
		}
	}
}

// TestAlignmentReportComputing holds the report function: the endpoint
// answers 503 with Retry-After until it returns, and Close cancels it.
func TestAlignmentReportComputing(t *testing.T) {
	s, ts := testServer(t, &fakeBackend{}, DefaultLimits, quick)
	running := make(chan struct{})
	s.StartReport(func(ctx context.Context) (*AlignmentReport, error) {
		close(running)
		<-ctx.Done()
		return nil, ctx.Err()
	})
	<-running
	status, h, out := getReport(t, ts.URL)
	if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || out["status"] != "computing" {
		t.Errorf("while computing: %d %v (Retry-After %q), want 503 computing with Retry-After", status, out, h.Get("Retry-After"))
	}
	s.Close() // returns only once the report function has seen the cancellation
	if status, _, out := getReport(t, ts.URL); status != http.StatusInternalServerError {
		t.Errorf("after Close: %d %v, want 500 (cancelled)", status, out)
	}
}
