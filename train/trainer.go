package train

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
	"github.com/seq2seq/transformer/train/checkpoint"
)

// Options are a training run's command-line settings.
type Options struct {
	Resume   bool           // continue from the run directory's newest valid checkpoint
	Steps    int            // overrides train.steps when > 0
	Out      string         // overrides the output root when not empty
	Stdout   io.Writer      // progress and the final report
	Log      io.Writer      // informational and warning lines
	Progress bool           // draw a progress bar (stdout is a terminal)
	OnStep   func(step int) // called after each completed step (tests use it to interrupt)
	DryRun   bool           // write no metrics and no checkpoints (bench)
	From     string         // start from this checkpoint (step or run directory) instead of the run's own
	Wipe     bool           // --overwrite: delete the run directory's earlier run first (see claimRunDir)
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
}

// run is the state of one training run.
type run struct {
	cfg      *Config
	opt      Options
	corpus   *Corpus
	model    *layers.Transformer
	params   *graph.Params
	adam     *Adam
	dropRNG  *graph.RNG
	iter     *data.Iterator
	train    *lossGraphs
	workers  [2]*lossGraphs // per-worker graphs when train.workers is 2
	eval     *lossGraphs
	metrics  *metricsFile
	step     int
	best     float64
	bestStep int
	skipped  int
	streak   int // consecutive skipped batches
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
	r, err := newRun(cfg, opt)
	if err != nil {
		return nil, err
	}
	defer r.close()
	return r.loop(ctx)
}

// newRun prepares data, model, optimizer and (when resuming) restores the
// newest valid checkpoint.
func newRun(cfg *Config, opt Options) (*run, error) {
	if err := EnsureData(cfg, opt.Log); err != nil {
		return nil, err
	}
	r := &run{cfg: cfg, opt: opt, runDir: cfg.RunDir(), best: math.Inf(-1)}
	var st *checkpoint.State
	var srcV, tgtV *data.Vocab
	var startPath string
	if opt.Resume || opt.From != "" {
		var path string
		var err error
		st, path, err = loadStart(r.runDir, opt)
		if err != nil {
			return nil, err
		}
		if err := sameModelSection(cfg, st.Config, path); err != nil {
			return nil, err
		}
		if opt.From != "" { // another run's checkpoint: keep its vocabularies
			if srcV, err = data.NewVocabFromTokens(st.SrcVocab); err != nil {
				return nil, fmt.Errorf("resume %s: source vocabulary: %w", path, err)
			}
			if tgtV, err = data.NewVocabFromTokens(st.TgtVocab); err != nil {
				return nil, fmt.Errorf("resume %s: target vocabulary: %w", path, err)
			}
		}
		startPath = path
		fmt.Fprintf(opt.Log, "resuming from %s (step %d)\n", path, st.Step)
	}
	corpus, err := LoadCorpus(cfg, srcV, tgtV, opt.Log)
	if err != nil {
		return nil, err
	}
	if opt.Resume && opt.From == "" {
		if err := sameVocabularies(corpus, st, startPath); err != nil {
			return nil, err
		}
		warnResumeChanges(opt.Log, cfg, st, corpus, startPath)
	}
	r.corpus = corpus
	master := graph.NewRNG(cfg.Seed)
	r.model, r.params, err = BuildModel(cfg.ModelConfig(corpus.Src.Size(), corpus.Tgt.Size()), master.Split())
	if err != nil {
		return nil, err
	}
	r.dropRNG = master.Split()
	r.iter = data.NewIterator(corpus.Train, cfg.Train.BatchSize, cfg.Data.Bucket, master.Uint64())
	r.adam = NewAdam(cfg.Train.Beta1, cfg.Train.Beta2, cfg.Train.Eps)
	if st != nil {
		if err := r.restore(st); err != nil {
			return nil, fmt.Errorf("resume %s: %w", r.runDir, err)
		}
		if opt.Resume && opt.From == "" && !opt.DryRun {
			// A fallback past a damaged checkpoint leaves latest pointing at it.
			if err := checkpoint.SetLatest(r.runDir, filepath.Base(startPath)); err != nil {
				return nil, err
			}
		}
	}
	if !opt.DryRun {
		if err := os.MkdirAll(r.runDir, 0o755); err != nil {
			return nil, fmt.Errorf("create run directory: %w", err)
		}
		if r.metrics, err = openMetrics(filepath.Join(r.runDir, "metrics.jsonl"), r.step); err != nil {
			return nil, err
		}
	}
	r.train = newLossGraphs(r.model, r.params, true, cfg.Train.LabelSmoothing)
	r.eval = newLossGraphs(r.model, r.params, false, cfg.Train.LabelSmoothing)
	if cfg.Train.Workers == 2 {
		r.workers = [2]*lossGraphs{r.train, newLossGraphs(r.model, r.params, true, cfg.Train.LabelSmoothing)}
	}
	fmt.Fprintf(opt.Log, "model: %d parameters in %d tensors\n", r.params.Count(), len(r.params.List()))
	return r, nil
}

// loadStart loads the checkpoint a run starts from: opt.From, or the newest
// valid one in runDir.
func loadStart(runDir string, opt Options) (*checkpoint.State, string, error) {
	if opt.From != "" {
		path := preferred(opt.From)
		st, err := checkpoint.Load(path)
		if err != nil {
			return nil, "", err
		}
		return st, path, nil
	}
	st, path, err := checkpoint.LoadLatestValid(runDir, opt.Log)
	if err != nil {
		return nil, "", fmt.Errorf("resume %s: %w", runDir, err)
	}
	return st, path, nil
}

// sameVocabularies rejects resuming when the data now gives other
// vocabularies than the checkpoint was trained with (changed corpus,
// data.min_freq or data.max_vocab).
func sameVocabularies(c *Corpus, st *checkpoint.State, path string) error {
	if slices.Equal(c.Src.Tokens(), st.SrcVocab) && slices.Equal(c.Tgt.Tokens(), st.TgtVocab) {
		return nil
	}
	return fmt.Errorf("resume %s: the checkpoint's vocabulary (%d source, %d target types) differs from the one the data section now gives (%d, %d); resume with the original data settings or start a run under another name",
		path, len(st.SrcVocab), len(st.TgtVocab), c.Src.Size(), c.Tgt.Size())
}

// sameModelSection rejects resuming with a model section that differs from
// the checkpoint's.
func sameModelSection(cfg *Config, saved []byte, path string) error {
	old, err := ParseConfig(saved, path+"/config.yaml")
	if err != nil {
		return fmt.Errorf("resume %s: %w", path, err)
	}
	if old.Model != cfg.Model {
		return modelSectionError(path, old.Model, cfg.Model)
	}
	return nil
}

func (r *run) close() {
	if r.train != nil {
		r.train.close()
		r.eval.close()
	}
	if r.workers[1] != nil {
		r.workers[1].close()
	}
	if r.metrics != nil {
		r.metrics.close()
	}
}

// loop is the training loop: step, log, evaluate, checkpoint, stop.
func (r *run) loop(ctx context.Context) (*Result, error) {
	tc := r.cfg.Train
	bar := newProgress(r.opt, r.step, tc.Steps, tc.LogEvery)
	for r.step < tc.Steps {
		if ctx.Err() != nil {
			bar.finish()
			return r.interrupt()
		}
		rec, _, err := r.trainStep()
		if err != nil {
			bar.finish()
			return nil, err
		}
		if r.step%tc.EvalEvery == 0 || r.step == tc.Steps {
			if err := r.evaluate(&rec); err != nil {
				return nil, err
			}
		}
		if err := r.metrics.write(rec); err != nil {
			return nil, fmt.Errorf("step %d: write metrics: %w", r.step, err)
		}
		bar.update(rec)
		if r.opt.OnStep != nil {
			r.opt.OnStep(r.step)
		}
		if r.step%tc.SaveEvery == 0 || r.step == tc.Steps {
			if err := r.save(rec.ValidBLEU); err != nil {
				return nil, err
			}
		}
	}
	bar.finish()
	return r.finish()
}

// trainStep runs one optimizer step on the next batch.
func (r *run) trainStep() (Record, data.Batch, error) {
	start := time.Now()
	b := r.iter.Next()
	step := r.step + 1
	loss, ps, err := r.forwardBackward(b)
	if err != nil {
		return Record{}, b, fmt.Errorf("step %d: %w", step, err)
	}
	rec := Record{Step: step, Loss: loss, LR: LearningRate(step, r.cfg.Train.LR, r.cfg.Train.Warmup, r.cfg.Train.Schedule)}
	// The norm is finite exactly when every gradient is (it stands for a
	// GradsFinite pass), and the update clips as ClipGradNorm would, in the
	// same pass; clip_norm 0 only measures.
	norm := gradNorm(ps)
	if math.IsNaN(loss) || math.IsInf(loss, 0) || math.IsNaN(norm) || math.IsInf(norm, 0) {
		if err := r.skipBatch(step, loss, ps); err != nil {
			return Record{}, b, err
		}
		rec.Skipped = true
	} else {
		r.streak = 0
		rec.GradNorm = norm
		if err := r.adam.update(ps, rec.LR, clipScale(norm, r.cfg.Train.ClipNorm)); err != nil {
			return Record{}, b, fmt.Errorf("step %d: %w", step, err)
		}
	}
	r.step = step
	rec.TokensPerS = float64(b.TgtTokens) / time.Since(start).Seconds()
	return rec, b, nil
}

// maxSkipStreak is how many consecutive batches on_nonfinite: skip may
// skip before the run is taken to have diverged and stops.
const maxSkipStreak = 10

// skipBatch handles a non-finite loss or gradient at step: an error under
// on_nonfinite: stop, or after maxSkipStreak skips in a row; otherwise the
// gradients are dropped and the batch counted as skipped.
func (r *run) skipBatch(step int, loss float64, ps []Param) error {
	if r.cfg.Train.OnNonfinite != OnNonfiniteSkip {
		return fmt.Errorf("step %d: loss %v or a gradient is not finite; checkpoints already in %s are intact (set train.on_nonfinite: skip to skip such batches)", step, loss, r.runDir)
	}
	for _, p := range ps {
		clear(p.Grad)
	}
	r.skipped++
	r.streak++
	fmt.Fprintf(r.opt.Log, "step %d: non-finite loss or gradient, batch skipped (%d so far)\n", step, r.skipped)
	if r.streak >= maxSkipStreak {
		return fmt.Errorf("step %d: %d batches in a row had a non-finite loss or gradient: the run has diverged (lower train.lr or set train.clip_norm); checkpoints already in %s are intact", step, r.streak, r.runDir)
	}
	return nil
}

// forwardBackward computes the batch's loss and gradients on one graph,
// or on two at once when train.workers is 2.
func (r *run) forwardBackward(b data.Batch) (float64, []Param, error) {
	if r.workers[1] != nil {
		return r.parallelStep(b)
	}
	g, err := r.train.get(shapeKey{B: b.B, S: b.S, T: b.T})
	if err != nil {
		return 0, nil, err
	}
	if err := g.b.FillDropout(r.dropRNG); err != nil {
		return 0, nil, err
	}
	loss, err := g.run(b.Src, b.TgtIn, b.TgtOut)
	if err != nil {
		return 0, nil, err
	}
	ps, err := g.grads()
	if err != nil {
		return 0, nil, err
	}
	return loss, ps, g.release()
}

// evaluate adds validation loss and greedy BLEU on the first
// valid_bleu_sentences validation sentences to rec.
func (r *run) evaluate(rec *Record) error {
	vl, err := validLoss(r.eval, r.corpus.Valid, r.cfg.Train.BatchSize, r.cfg.Data.Bucket)
	r.eval.close() // each graph keeps its last values: free them between evaluations
	if err != nil {
		return fmt.Errorf("step %d: %w", r.step, err)
	}
	rec.ValidLoss = &vl
	n := min(r.cfg.Train.ValidBLEUSentences, len(r.corpus.ValidSrc))
	if n == 0 {
		return nil
	}
	tr := r.translator()
	hyps, err := Decode(tr, r.corpus.Tgt, r.corpus.ValidSrc[:n], r.cfg.Train.BatchSize, 1, 0)
	if err != nil {
		return fmt.Errorf("step %d: validation BLEU: %w", r.step, err)
	}
	s, err := corpusBLEU(hyps, r.corpus.ValidRefs[:n])
	if err != nil {
		return fmt.Errorf("step %d: validation BLEU: %w", r.step, err)
	}
	rec.ValidBLEU = &s.Score
	fmt.Fprintf(r.opt.Log, "step %d: valid loss %.4f, greedy BLEU %.2f on %d sentences\n", r.step, vl, s.Score, n)
	return nil
}

func (r *run) translator() *Translator {
	d := r.cfg.Decode
	return NewTranslator(r.model, r.params, r.cfg.Data.Bucket, d.MaxLenA, d.MaxLenB)
}

// save writes a checkpoint; it becomes best when validBLEU beats the best.
func (r *run) save(validBLEU *float64) error {
	best := validBLEU != nil && *validBLEU > r.best
	if best {
		r.best, r.bestStep = *validBLEU, r.step
	}
	if err := r.metrics.flush(); err != nil {
		return fmt.Errorf("step %d: %w", r.step, err)
	}
	st, err := r.snapshot()
	if err != nil {
		return fmt.Errorf("step %d: snapshot: %w", r.step, err)
	}
	if _, err := checkpoint.Save(r.runDir, st, r.cfg.Train.KeepLast, best); err != nil {
		return fmt.Errorf("step %d: save checkpoint: %w", r.step, err)
	}
	return nil
}

// interrupt saves a checkpoint at the current step and reports.
func (r *run) interrupt() (*Result, error) {
	if err := r.save(nil); err != nil {
		return nil, err
	}
	fmt.Fprintf(r.opt.Stdout, "interrupted at step %d; checkpoint saved in %s; continue with --resume\n", r.step, r.runDir)
	return &Result{Step: r.step, RunDir: r.runDir, Interrupted: true, WeightsHash: WeightsDigest(r.params)}, nil
}

// finish decodes the test set with the final weights and the configured
// search (decode.beam, decode.alpha) and prints its BLEU.
func (r *run) finish() (*Result, error) {
	tr := r.translator()
	d := r.cfg.Decode
	hyps, err := Decode(tr, r.corpus.Tgt, r.corpus.TestSrc, r.cfg.Train.BatchSize, d.Beam, d.Alpha)
	if err != nil {
		return nil, fmt.Errorf("test BLEU: %w", err)
	}
	s, err := corpusBLEU(hyps, r.corpus.TestRefs)
	if err != nil {
		return nil, fmt.Errorf("test BLEU: %w", err)
	}
	fmt.Fprintf(r.opt.Stdout, "step %d: test %s (beam %d)\n", r.step, s.Text(2), d.Beam)
	if r.skipped > 0 {
		fmt.Fprintf(r.opt.Stdout, "%d batches were skipped for non-finite loss or gradients\n", r.skipped)
	}
	score := s.Score
	return &Result{Step: r.step, RunDir: r.runDir, TestBLEU: &score, WeightsHash: WeightsDigest(r.params)}, nil
}
