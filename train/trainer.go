package train

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
	"github.com/seq2seq/transformer/train/optim"
)

// Options are a training run's command-line settings.
type Options struct {
	Resume   bool      // continue from the run directory's newest valid checkpoint
	Steps    int       // overrides train.steps when > 0
	Out      string    // overrides the output root when not empty
	Stdout   io.Writer // progress and the final report
	Log      io.Writer // informational and warning lines
	Progress bool      // draw a progress bar (stdout is a terminal)
	// OnEval, when not nil, is called with the run directory after each
	// evaluation's metrics line is written and flushed to metrics.jsonl
	// (e.g. to redraw a plot of the curves there). Not called with DryRun.
	OnEval func(runDir string)
	OnStep func(step int) // called after each completed step (tests use it to interrupt)
	DryRun bool           // write no metrics and no checkpoints (bench)
	From   string         // start from this checkpoint (step or run directory) instead of the run's own
	Wipe   bool           // --overwrite: delete the run directory's earlier run first (see claimRunDir)
}

// withDefaults applies the command-line overrides to cfg and fills in
// discarding writers.
func (opt Options) withDefaults(cfg *Config) Options {
	if opt.Steps > 0 {
		cfg.Train.Steps = opt.Steps
	}
	if opt.Out != "" {
		cfg.Out = opt.Out
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	if opt.Stdout == nil {
		opt.Stdout = io.Discard
	}
	return opt
}

// Result is what a finished or interrupted run reports.
type Result struct {
	Step        int
	RunDir      string
	Interrupted bool
	TestBLEU    *float64 // nil when interrupted
	WeightsHash string
	// EarlyStopped is set when train.patience ended the run before
	// train.steps; Step is then the last step taken.
	EarlyStopped bool
}

// trainer is the state of one training run (Run drives it; Session steps it).
type trainer struct {
	cfg      *Config
	opt      Options
	corpus   *Corpus
	model    *layers.Transformer
	params   *graph.Params
	adam     *optim.Adam
	dropRNG  *graph.RNG
	iter     *data.Iterator
	train    *graphCache
	workers  []*graphCache // per-worker graphs, one per train.workers; workers[0] is train
	eval     *graphCache
	metrics  *metricsFile
	step     int
	best     float64
	bestStep int
	skipped  int
	streak   int     // consecutive skipped batches
	guided   float64 // the guided-alignment term of the last step's loss
	evalBest float64 // best evaluation score so far (evalScore), for early stopping
	stale    int     // evaluations in a row without improving on evalBest
	runDir   string
}

// Run trains the model cfg describes until train.steps (or opt.Steps),
// writing checkpoints and metrics under the run directory, and ends by
// printing test BLEU. Cancelling ctx (SIGINT, SIGTERM) saves a checkpoint
// and returns a Result with Interrupted set.
func Run(ctx context.Context, cfg *Config, opt Options) (*Result, error) {
	opt = opt.withDefaults(cfg)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	lock, err := claimRunDir(cfg.RunDir(), opt)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	r, err := newTrainer(cfg, opt)
	if err != nil {
		return nil, err
	}
	defer r.close()
	return r.loop(ctx)
}

// newTrainer prepares data, model, optimizer and (when resuming, see
// resume.go) restores the start checkpoint.
func newTrainer(cfg *Config, opt Options) (*trainer, error) {
	if err := EnsureData(cfg, opt.Log); err != nil {
		return nil, err
	}
	r := &trainer{cfg: cfg, opt: opt, runDir: cfg.RunDir(), best: math.Inf(-1), evalBest: math.Inf(-1)}
	start, err := loadResume(cfg, opt, r.runDir)
	if err == nil && start == nil {
		start, err = loadInit(cfg, opt)
	}
	if err != nil {
		return nil, err
	}
	toks, err := start.tokenizers(cfg, opt)
	if err != nil {
		return nil, err
	}
	corpus, err := LoadCorpusWith(cfg, toks, start.srcVocab(), start.tgtVocab(), opt.Log)
	if err != nil {
		return nil, err
	}
	if err := start.checkVocabularies(cfg, corpus, opt); err != nil {
		return nil, err
	}
	r.corpus = corpus
	master := graph.NewRNG(cfg.Seed)
	r.model, r.params, err = BuildModel(cfg.ModelConfig(corpus.Src.Size(), corpus.Tgt.Size()), master.Split())
	if err != nil {
		return nil, err
	}
	r.dropRNG = master.Split()
	r.iter = data.NewIterator(corpus.Train, cfg.Train.BatchSize, cfg.Data.Bucket, master.Uint64())
	r.adam = optim.NewAdam(cfg.Train.Beta1, cfg.Train.Beta2, cfg.Train.Eps)
	if err := r.resumeFrom(start); err != nil {
		return nil, err
	}
	if !opt.DryRun {
		if err := os.MkdirAll(r.runDir, 0o755); err != nil {
			return nil, fmt.Errorf("create run directory: %w", err)
		}
		if err := saveTokenizers(r.runDir, toks, opt.Log); err != nil {
			return nil, err
		}
		if r.metrics, err = openMetrics(filepath.Join(r.runDir, "metrics.jsonl"), r.step); err != nil {
			return nil, err
		}
	}
	r.train = newGraphCache(r.model, r.params, true, cfg.Train.LabelSmoothing)
	r.eval = newGraphCache(r.model, r.params, false, cfg.Train.LabelSmoothing)
	// Validation runs between steps, once a step's values are consumed: it
	// draws its op outputs from the first worker's pool rather than a pool
	// of its own, which would keep a full-batch forward pass between
	// evaluations (100 MB at a 10k vocabulary).
	r.eval.pool = r.train.pool
	r.workers = []*graphCache{r.train}
	for len(r.workers) < cfg.Train.Workers {
		r.workers = append(r.workers, newGraphCache(r.model, r.params, true, cfg.Train.LabelSmoothing))
	}
	r.setGuide()
	fmt.Fprintf(opt.Log, "model: %d parameters in %d tensors\n", r.params.Count(), len(r.params.List()))
	return r, nil
}

func (r *trainer) close() {
	if r.train != nil {
		r.train.close()
		r.eval.close()
		for _, w := range r.workers[1:] { // workers[0] is train, closed above
			w.close()
		}
	}
	if r.metrics != nil {
		r.metrics.close()
	}
}
