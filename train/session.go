package train

import (
	"time"

	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
)

// Session is a prepared training run that is advanced one optimizer step at
// a time: the same data order, graphs, dropout and optimizer as Run. `train
// bench` times one; with Options.DryRun it writes nothing.
type Session struct{ r *trainer }

// StepInfo is what one Session step measured.
type StepInfo struct {
	Record               Record
	SrcTokens, TgtTokens int
	Elapsed              time.Duration // the whole step
	GraphBuild           time.Duration // part of Elapsed spent building graphs for new shapes
}

// NewSession prepares a run as Run does (data, vocabularies, model,
// optimizer, resume) without training.
func NewSession(cfg *Config, opt Options) (*Session, error) {
	opt = opt.withDefaults(cfg)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r, err := newTrainer(cfg, opt)
	if err != nil {
		return nil, err
	}
	return &Session{r: r}, nil
}

// Step runs the next optimizer step.
func (s *Session) Step() (StepInfo, error) {
	before := s.r.graphBuild()
	start := time.Now()
	rec, b, err := s.r.trainStep()
	if err != nil {
		return StepInfo{}, err
	}
	return StepInfo{Record: rec, SrcTokens: b.SrcTokens, TgtTokens: b.TgtTokens,
		Elapsed: time.Since(start), GraphBuild: s.r.graphBuild() - before}, nil
}

// Model returns the session's model and its weights.
func (s *Session) Model() (*layers.Transformer, *graph.Params) { return s.r.model, s.r.params }

// Corpus returns the session's data.
func (s *Session) Corpus() *Corpus { return s.r.corpus }

// Close releases the session's graphs (and its metrics file).
func (s *Session) Close() { s.r.close() }

// graphBuild is the total time spent building training graphs so far.
func (r *trainer) graphBuild() time.Duration {
	var d time.Duration
	for _, w := range r.workers {
		d += w.built
	}
	return d
}
