package train

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/train/checkpoint"
)

// resumePoint is the checkpoint a run starts from (Options.Resume: the
// newest valid one of the run; Options.From: another one). A nil
// *resumePoint is a fresh start; its methods then do nothing.
type resumePoint struct {
	st   *checkpoint.State
	path string
	// src and tgt are the checkpoint's vocabularies when it is another
	// run's (Options.From) or the run began from train.init_from, nil
	// otherwise: the run's own data gives them.
	src, tgt *data.Vocab
	// weightsOnly marks train.init_from's checkpoint (init_from.go): only
	// its weights are restored.
	weightsOnly bool
}

// loadResume loads the checkpoint a run starts from, nil when it starts
// fresh, and checks that its model section is cfg's.
func loadResume(cfg *Config, opt Options, runDir string) (*resumePoint, error) {
	if !opt.Resume && opt.From == "" {
		return nil, nil
	}
	st, path, err := loadStart(runDir, opt)
	if err != nil {
		return nil, err
	}
	if err := sameModelSection(cfg, st.Config, path); err != nil {
		return nil, err
	}
	rp := &resumePoint{st: st, path: path}
	if opt.From != "" || cfg.Train.InitFrom != "" { // keep the vocabularies the weights were trained with
		if rp.src, rp.tgt, err = checkpointVocabs(st); err != nil {
			return nil, fmt.Errorf("resume %s: %w", path, err)
		}
	}
	fmt.Fprintf(opt.Log, "resuming from %s (step %d)\n", path, st.Step)
	return rp, nil
}

// srcVocab is the source vocabulary the run must keep, nil to build it
// from the data.
func (rp *resumePoint) srcVocab() *data.Vocab {
	if rp == nil {
		return nil
	}
	return rp.src
}

// tgtVocab is the target vocabulary the run must keep, nil to build it
// from the data.
func (rp *resumePoint) tgtVocab() *data.Vocab {
	if rp == nil {
		return nil
	}
	return rp.tgt
}

// checkVocabularies rejects resuming the run's own checkpoint when the
// data now gives other vocabularies, and warns of changed data files or
// train, data and decode keys (see warnResumeChanges); for
// train.init_from it says how much of the data the vocabularies cover.
func (rp *resumePoint) checkVocabularies(cfg *Config, c *Corpus, opt Options) error {
	if rp != nil && rp.weightsOnly {
		logCoverage(c, opt.Log)
	}
	if rp == nil || !opt.Resume || rp.src != nil {
		return nil
	}
	if err := sameVocabularies(c, rp.st, rp.path); err != nil {
		return err
	}
	warnResumeChanges(opt.Log, cfg, rp.st, c, rp.path)
	return nil
}

// resumeFrom restores the model, optimizer and loop state from rp and,
// when resuming the run's own checkpoints, points latest at the one used.
func (r *trainer) resumeFrom(rp *resumePoint) error {
	if rp == nil {
		return nil
	}
	if rp.weightsOnly {
		return initWeights(r.params, rp)
	}
	if err := r.restore(rp.st); err != nil {
		return fmt.Errorf("resume %s: %w", r.runDir, err)
	}
	if r.opt.Resume && r.opt.From == "" && !r.opt.DryRun {
		// A fallback past a damaged checkpoint leaves latest pointing at it.
		if err := checkpoint.SetLatest(r.runDir, filepath.Base(rp.path)); err != nil {
			return err
		}
	}
	return nil
}

// loadStart loads the checkpoint a run starts from: opt.From, or the newest
// valid one in runDir.
func loadStart(runDir string, opt Options) (*checkpoint.State, string, error) {
	if opt.From != "" {
		path := CheckpointPath(opt.From)
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
