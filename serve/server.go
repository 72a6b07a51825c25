package serve

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"math"
	"net/http"
	"strings"
	"time"
)

// Limits bounds what one request may ask.
type Limits struct {
	MaxBody      int64         // bytes of a request body
	MaxSentences int           // texts in a request
	MaxTokens    int           // source tokens in a request, all texts together
	Timeout      time.Duration // from arrival to answer
}

// DefaultLimits are the command's defaults.
var DefaultLimits = Limits{MaxBody: 1 << 20, MaxSentences: 64, MaxTokens: 4096, Timeout: 30 * time.Second}

// Server answers the HTTP API over a Backend.
type Server struct {
	be     Backend
	info   ModelInfo
	limits Limits
	batch  *batcher
	log    *log.Logger
	report reportState
}

// New returns a server over be and starts its batching workers; Close
// stops them. logger may be nil for no request log.
func New(be Backend, limits Limits, opt BatchOptions, logger *log.Logger) *Server {
	return &Server{be: be, info: be.Info(), limits: limits, batch: newBatcher(be, opt), log: logger}
}

// Close finishes the queued sentences, stops the workers and the
// alignment report. Call it after http.Server.Shutdown.
func (s *Server) Close() { s.report.stop(); s.batch.stop() }

// Stats returns the batching counters.
func (s *Server) Stats() Stats { return s.batch.stats() }

// Handler returns the HTTP routes, each logged and protected from panics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/translate", s.translate)
	mux.HandleFunc("/v1/translate", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, errorf(http.StatusMethodNotAllowed, "use POST for /v1/translate"))
	})
	mux.HandleFunc("GET /v1/model", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, s.info) })
	mux.HandleFunc("GET /v1/stats", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, s.batch.stats()) })
	mux.HandleFunc("GET /v1/alignment-report", s.report.serve)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /{$}", page)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errorf(http.StatusNotFound, "no route %s %s", r.Method, r.URL.Path))
	})
	return s.logged(mux)
}

// translateResponse is the body of a successful POST /v1/translate.
type translateResponse struct {
	Translations []string      `json:"translations"`
	Scores       []jsonFloat   `json:"scores"`
	Tokens       tokensJSON    `json:"tokens"`
	Attention    *attnResponse `json:"attention,omitempty"`
	// Alignment holds per sentence the [source, target] index pairs of
	// its word alignment (into tokens.source and tokens.target, or into
	// words.source and words.target when words is present), when the
	// request asked for alignment or attention and the backend aligns.
	Alignment [][][2]int `json:"alignment,omitempty"`
	// Words holds, for a subword model's alignment, the words its pieces
	// (tokens) make, which the alignment links.
	Words *tokensJSON `json:"words,omitempty"`
}

type tokensJSON struct {
	Source [][]string `json:"source"`
	Target [][]string `json:"target"`
}

// attnResponse holds the attention of every sentence, indexed
// [sentence][layer][head][query][key].
type attnResponse struct {
	Cross       [][][][][]float64 `json:"cross"`
	DecoderSelf [][][][][]float64 `json:"decoder_self,omitempty"`
	EncoderSelf [][][][][]float64 `json:"encoder_self,omitempty"`
}

// translate handles POST /v1/translate.
func (s *Server) translate(w http.ResponseWriter, r *http.Request) {
	req, err := decodeRequest(w, r, s.limits.MaxBody, s.limits.MaxSentences)
	if err != nil {
		writeError(w, err)
		return
	}
	setSentences(r, len(req.Texts))
	srcs := make([][]string, len(req.Texts))
	total := 0
	for i, t := range req.Texts {
		srcs[i] = s.be.Tokenize(clean(t))
		total += len(srcs[i])
	}
	if total > s.limits.MaxTokens {
		writeError(w, errorf(http.StatusRequestEntityTooLarge, "%d source tokens exceed the limit of %d", total, s.limits.MaxTokens))
		return
	}
	beam := s.info.DefaultBeam
	if req.Beam != nil {
		beam = *req.Beam
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.limits.Timeout)
	defer cancel()
	attention := req.Attention || req.SelfAttention
	want := Want{Attention: attention, Alignment: attention || req.Alignment}
	res, err := s.run(ctx, srcs, key{beam: max(beam, 1), want: want})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, response(res, attention, req.SelfAttention))
}

// run decodes the non-empty sources through the batcher and waits for
// them; an empty source translates to nothing.
func (s *Server) run(ctx context.Context, srcs [][]string, k key) ([]Result, error) {
	out := make([]Result, len(srcs))
	var todo [][]string
	var where []int
	for i, src := range srcs {
		if len(src) == 0 {
			out[i] = Result{Source: []string{}, Target: []string{}}
			if k.want.Alignment {
				out[i].Alignment = [][2]int{}
			}
			continue
		}
		todo, where = append(todo, src), append(where, i)
	}
	if len(todo) == 0 {
		return out, nil
	}
	p, err := s.batch.submit(ctx, todo, k)
	switch {
	case errors.Is(err, errQueueFull):
		return nil, errorf(http.StatusServiceUnavailable, "server busy: the queue is full, retry later")
	case err != nil:
		return nil, errorf(http.StatusServiceUnavailable, "%v", err)
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, errorf(http.StatusGatewayTimeout, "not translated within %v", s.limits.Timeout)
		}
		return nil, errorf(499, "client went away")
	}
	if p.err != nil {
		if ctx.Err() != nil {
			return nil, errorf(http.StatusGatewayTimeout, "not translated within %v", s.limits.Timeout)
		}
		return nil, errorf(http.StatusInternalServerError, "translate: %v", p.err)
	}
	for j, i := range where {
		out[i] = p.results[j]
	}
	return out, nil
}

// response lays out the results; attention and self choose what
// attention to include.
func response(res []Result, attention, self bool) *translateResponse {
	out := &translateResponse{
		Translations: make([]string, len(res)), Scores: make([]jsonFloat, len(res)),
		Tokens: tokensJSON{Source: make([][]string, len(res)), Target: make([][]string, len(res))},
	}
	if attention {
		out.Attention = &attnResponse{Cross: make([][][][][]float64, len(res))}
		if self {
			out.Attention.DecoderSelf = make([][][][][]float64, len(res))
			out.Attention.EncoderSelf = make([][][][][]float64, len(res))
		}
	}
	for i, r := range res {
		out.Translations[i] = r.Text
		if r.Text == "" {
			out.Translations[i] = joinTokens(r.Target)
		}
		if r.SourceWords != nil || r.TargetWords != nil {
			if out.Words == nil {
				out.Words = &tokensJSON{Source: make([][]string, len(res)), Target: make([][]string, len(res))}
			}
			out.Words.Source[i], out.Words.Target[i] = r.SourceWords, r.TargetWords
		}
		out.Scores[i] = jsonFloat(r.Score)
		out.Tokens.Source[i], out.Tokens.Target[i] = r.Source, r.Target
		if r.Alignment != nil {
			if out.Alignment == nil {
				out.Alignment = make([][][2]int, len(res))
			}
			out.Alignment[i] = r.Alignment
		}
		if !attention {
			continue
		}
		a := r.Attn
		if a == nil {
			a = &Attention{Cross: [][][][]float64{}, DecoderSelf: [][][][]float64{}, EncoderSelf: [][][][]float64{}}
		}
		out.Attention.Cross[i] = rounded(a.Cross)
		if self {
			out.Attention.DecoderSelf[i] = rounded(a.DecoderSelf)
			out.Attention.EncoderSelf[i] = rounded(a.EncoderSelf)
		}
	}
	return out
}

// joinTokens joins target tokens into the translation text for a backend
// that gives no Result.Text.
func joinTokens(toks []string) string { return strings.Join(toks, " ") }

// rounded copies attention weights rounded to 4 decimals (enough for a
// picture, a third of the JSON), non-finite ones as 0.
func rounded(a [][][][]float64) [][][][]float64 {
	out := make([][][][]float64, len(a))
	for l, heads := range a {
		out[l] = make([][][]float64, len(heads))
		for h, rows := range heads {
			out[l][h] = make([][]float64, len(rows))
			for i, row := range rows {
				out[l][h][i] = make([]float64, len(row))
				for j, v := range row {
					if !math.IsNaN(v) && !math.IsInf(v, 0) {
						out[l][h][i][j] = math.Round(v*1e4) / 1e4
					}
				}
			}
		}
	}
	return out
}

// jsonFloat is a float64 written as null when it is not finite.
type jsonFloat float64

// MarshalJSON writes f, or null.
func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

// writeJSON writes v as the JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"encode response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// writeError writes err as {"error": ...} with its status, 500 if it has
// none.
func writeError(w http.ResponseWriter, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		he = errorf(http.StatusInternalServerError, "%v", err)
	}
	writeJSON(w, he.status, map[string]string{"error": he.msg})
}
