package serve

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/seq2seq/transformer/align"
)

// AlignmentReport is the body of GET /v1/alignment-report: the alignment
// error rate (AER, in [0, 1], lower is better) of the argmax links of
// every decoder layer and head on a corpus split's gold alignments.
type AlignmentReport struct {
	Split       string      `json:"split"`     // the corpus split scored ("valid")
	Sentences   int         `json:"sentences"` // sentence pairs scored
	Layers      int         `json:"layers"`
	Heads       int         `json:"heads"`
	AER         [][]float64 `json:"aer"`          // [layer][head]
	Average     []float64   `json:"average"`      // [layer]: the layer's heads averaged
	BestHead    HeadScore   `json:"best_head"`    // the single head of lowest AER
	BestAverage HeadScore   `json:"best_average"` // the layer whose average is lowest (head -1)
}

// HeadScore is one layer and head (-1: the layer's heads averaged) with
// its AER, precision and recall.
type HeadScore struct {
	Layer     int     `json:"layer"`
	Head      int     `json:"head"`
	AER       float64 `json:"aer"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
}

// NewAlignmentReport lays out rep, computed on sentences pairs of split.
func NewAlignmentReport(rep *align.Report, split string, sentences int) *AlignmentReport {
	out := &AlignmentReport{Split: split, Sentences: sentences, Layers: len(rep.Heads), AER: make([][]float64, len(rep.Heads)), Average: make([]float64, len(rep.Average))}
	for l, hs := range rep.Heads {
		out.Heads = len(hs)
		out.AER[l] = make([]float64, len(hs))
		for h, c := range hs {
			out.AER[l][h] = c.AER()
		}
	}
	for l, c := range rep.Average {
		out.Average[l] = c.AER()
	}
	layer, head, c := rep.BestHead()
	out.BestHead = headScore(layer, head, c)
	layer, c = rep.BestAverage()
	out.BestAverage = headScore(layer, -1, c)
	return out
}

func headScore(layer, head int, c align.Counts) HeadScore {
	return HeadScore{Layer: layer, Head: head, AER: c.AER(), Precision: c.Precision(), Recall: c.Recall()}
}

// ReportFunc computes an alignment report; an error wrapping ErrNoGold
// says there is nothing to score against. It should return soon after ctx
// is cancelled.
type ReportFunc func(ctx context.Context) (*AlignmentReport, error)

// reportState is the alignment report of a server: never asked for (no
// cancel), being computed, or done (a report or an error).
type reportState struct {
	mu      sync.Mutex
	done    bool
	rep     *AlignmentReport
	err     error
	cancel  context.CancelFunc
	stopped chan struct{}
}

// StartReport computes the alignment report in the background with f;
// GET /v1/alignment-report answers 503 until it is done. Call it at most
// once, before serving; Close stops it.
func (s *Server) StartReport(f ReportFunc) {
	r := &s.report
	ctx, cancel := context.WithCancel(context.Background())
	r.mu.Lock()
	r.cancel, r.stopped = cancel, make(chan struct{})
	r.mu.Unlock()
	go func() {
		defer close(r.stopped)
		rep, err := f(ctx)
		r.mu.Lock()
		r.done, r.rep, r.err = true, rep, err
		r.mu.Unlock()
		s.logReport(rep, err)
	}()
}

// logReport logs the outcome of the background report.
func (s *Server) logReport(rep *AlignmentReport, err error) {
	switch {
	case s.log == nil:
	case err != nil:
		s.log.Printf("alignment report: %v", err)
	default:
		b := rep.BestHead
		s.log.Printf("alignment report: %d %s pairs; best head: layer %d head %d, AER %.2f%%", rep.Sentences, rep.Split, b.Layer, b.Head, 100*b.AER)
	}
}

// stop cancels the background report and waits for it.
func (r *reportState) stop() {
	r.mu.Lock()
	cancel, stopped := r.cancel, r.stopped
	r.mu.Unlock()
	if cancel != nil {
		cancel()
		<-stopped
	}
}

// serve handles GET /v1/alignment-report: 200 with the report, 503 while
// it is computed, 404 when there are no gold alignments or none was asked
// for, 500 when it failed.
func (r *reportState) serve(w http.ResponseWriter, _ *http.Request) {
	r.mu.Lock()
	started, done, rep, err := r.cancel != nil, r.done, r.rep, r.err
	r.mu.Unlock()
	switch {
	case !started:
		writeError(w, errorf(http.StatusNotFound, "no alignment report: the server computes none"))
	case !done:
		w.Header().Set("Retry-After", "2")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "the alignment report is being computed, retry later", "status": "computing"})
	case errors.Is(err, ErrNoGold):
		writeError(w, errorf(http.StatusNotFound, "no alignment report: %v", err))
	case err != nil:
		writeError(w, errorf(http.StatusInternalServerError, "alignment report: %v", err))
	default:
		writeJSON(w, http.StatusOK, rep)
	}
}
