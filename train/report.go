package train

import (
	"fmt"
	"runtime/debug"

	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/train/checkpoint"
)

// evaluate adds validation loss and greedy BLEU on the first
// valid_bleu_sentences validation sentences to rec.
func (r *trainer) evaluate(rec *Record) error {
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
	hyps, err := DecodeText(tr, r.corpus.Tgt, r.corpus.Tok, r.corpus.ValidSrc[:n], r.cfg.Train.BatchSize, 1, LengthPenalty{})
	if err != nil {
		return fmt.Errorf("step %d: validation BLEU: %w", r.step, err)
	}
	s, err := corpusBLEU(hyps, r.corpus.ValidRefs[:n])
	if err != nil {
		return fmt.Errorf("step %d: validation BLEU: %w", r.step, err)
	}
	rec.ValidBLEU = &s.Score
	if rec.ValidChrF, err = r.chrF(hyps, r.corpus.ValidRefs[:n]); err != nil {
		return fmt.Errorf("step %d: validation chrF: %w", r.step, err)
	}
	fmt.Fprintf(r.opt.Log, "step %d: valid loss %.4f, greedy BLEU %.2f%s on %d sentences\n", r.step, vl, s.Score, chrFText(rec.ValidChrF), n)
	return nil
}

// dropGraphs drops the training and validation graphs and their pools, and
// returns the memory to the system: the test set is decoded by the plain-Go
// engine, which needs neither, so its buffers need not come on top of the
// pools (250 MB at a 10k vocabulary). The caches stay usable.
func (r *trainer) dropGraphs() {
	for _, gs := range append([]*graphCache{r.eval}, r.workers...) { // r.workers[0] is r.train
		if gs != nil {
			gs.close()
			gs.pool, gs.masks = graph.NewPool(), graph.NewPool()
		}
	}
	r.eval.pool = r.train.pool // validation draws from the first worker's pool, as set up
	debug.FreeOSMemory()
}

func (r *trainer) translator() *Translator {
	d := r.cfg.Decode
	return NewTranslator(r.model, r.params, r.cfg.Data.Bucket, d.MaxLenA, d.MaxLenB)
}

// save writes a checkpoint; it becomes best when score (evalScore of this
// step's evaluation, nil without one) beats the best saved.
func (r *trainer) save(score *float64) error {
	best := score != nil && *score > r.best
	if best {
		r.best, r.bestStep = *score, r.step
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
func (r *trainer) interrupt() (*Result, error) {
	if err := r.save(nil); err != nil {
		return nil, err
	}
	fmt.Fprintf(r.opt.Stdout, "interrupted at step %d; checkpoint saved in %s; continue with --resume\n", r.step, r.runDir)
	return &Result{Step: r.step, RunDir: r.runDir, Interrupted: true, WeightsHash: WeightsDigest(r.params)}, nil
}

// finish decodes the test set with the final weights and the configured
// search (decode.beam, decode.alpha) and prints its BLEU.
func (r *trainer) finish() (*Result, error) {
	r.dropGraphs()
	tr := r.translator()
	d := r.cfg.Decode
	hyps, err := DecodeText(tr, r.corpus.Tgt, r.corpus.Tok, r.corpus.TestSrc, r.cfg.Train.BatchSize, d.Beam, d.Penalty())
	if err != nil {
		return nil, fmt.Errorf("test BLEU: %w", err)
	}
	s, err := corpusBLEU(hyps, r.corpus.TestRefs)
	if err != nil {
		return nil, fmt.Errorf("test BLEU: %w", err)
	}
	chrf, err := r.chrF(hyps, r.corpus.TestRefs)
	if err != nil {
		return nil, fmt.Errorf("test chrF: %w", err)
	}
	fmt.Fprintf(r.opt.Stdout, "step %d: test %s%s (beam %d)\n", r.step, s.Text(2), chrFText(chrf), d.Beam)
	if r.skipped > 0 {
		fmt.Fprintf(r.opt.Stdout, "%d batches were skipped for non-finite loss or gradients\n", r.skipped)
	}
	score := s.Score
	return &Result{Step: r.step, RunDir: r.runDir, TestBLEU: &score, WeightsHash: WeightsDigest(r.params)}, nil
}
