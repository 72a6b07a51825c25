package train

import (
	"fmt"
	"io"
	"slices"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/train/checkpoint"
)

// initFromKey is the config key naming a checkpoint whose weights a fresh
// run starts from (fine-tuning, e.g. on an imported PyTorch model).
const initFromKey = "train.init_from"

// loadInit loads the checkpoint train.init_from names (a step directory, or
// a run directory whose best, else latest, checkpoint is used) when the run
// starts fresh; nil when the key is empty or the run resumes (a resume
// restores its own checkpoint, Options.From another one). Only the weights
// and the vocabularies are taken: the step, optimizer, data order and
// dropout start fresh from the config's seed. The checkpoint's
// vocabularies are the run's: the new data is encoded with them (words
// they lack become <unk>), since the model's embeddings are indexed by
// them.
func loadInit(cfg *Config, opt Options) (*resumePoint, error) {
	if cfg.Train.InitFrom == "" || opt.Resume || opt.From != "" {
		return nil, nil
	}
	path := CheckpointPath(cfg.Train.InitFrom)
	st, err := checkpoint.Load(path)
	if err != nil {
		return nil, initError(path, err.Error())
	}
	old, err := ParseConfig(st.Config, path+"/config.yaml")
	if err != nil {
		return nil, initError(path, err.Error())
	}
	if old.Model.Heads != cfg.Model.Heads { // the one architecture choice no tensor shape shows
		return nil, initError(path, fmt.Sprintf("its model has %d attention heads, the config's model.heads is %d", old.Model.Heads, cfg.Model.Heads))
	}
	rp := &resumePoint{st: st, path: path, weightsOnly: true}
	if rp.src, rp.tgt, err = checkpointVocabs(st); err != nil {
		return nil, initError(path, err.Error())
	}
	fmt.Fprintf(opt.Log, "initialising weights from %s (step %d of its run); step, optimizer, data order and dropout start fresh from seed %d; its vocabularies (%d source, %d target types) encode the data\n",
		path, st.Step, cfg.Seed, rp.src.Size(), rp.tgt.Size())
	return rp, nil
}

// initError is a problem with train.init_from's checkpoint at path.
func initError(path, msg string) error {
	return &ConfigError{Key: initFromKey, Msg: fmt.Sprintf("checkpoint %s: %s", path, msg)}
}

// initWeights copies the weights of rp's checkpoint into ps, matching
// tensors by name: a tensor the model lacks, one the checkpoint lacks or
// one of another shape is an error naming it.
func initWeights(ps *graph.Params, rp *resumePoint) error {
	byName := make(map[string]checkpoint.Tensor, len(rp.st.Params))
	for _, t := range rp.st.Params {
		byName[t.Name] = t
	}
	used := make(map[string]bool, len(rp.st.Params))
	for _, p := range ps.List() {
		t, ok := byName[p.Name]
		if !ok {
			return initError(rp.path, fmt.Sprintf("it has no tensor %s, which the config's model section needs (model.tie_embeddings or the layer counts differ?)", p.Name))
		}
		if !slices.Equal(t.Shape, []int(p.Shape())) {
			return initError(rp.path, fmt.Sprintf("tensor %s is %v there, %v in the model the config's model section describes", p.Name, t.Shape, []int(p.Shape())))
		}
		used[p.Name] = true
	}
	for _, t := range rp.st.Params {
		if !used[t.Name] {
			return initError(rp.path, fmt.Sprintf("tensor %s %v is not in the model the config's model section describes (model.tie_embeddings or the layer counts differ?)", t.Name, t.Shape))
		}
	}
	for _, p := range ps.List() {
		copy(p.Value.Float32s(), byName[p.Name].Data)
	}
	return nil
}

// logCoverage says how many training tokens of each side the vocabularies
// (train.init_from's, not built from this data) leave unknown.
func logCoverage(c *Corpus, log io.Writer) {
	var src, srcUnk, tgt, tgtUnk int
	for _, p := range c.Train {
		src, srcUnk = src+len(p.Src), srcUnk+countUnk(p.Src)
		tgt, tgtUnk = tgt+len(p.Tgt), tgtUnk+countUnk(p.Tgt)
	}
	fmt.Fprintf(log, "%s vocabularies: %d of %d source and %d of %d target training tokens are <unk>\n", initFromKey, srcUnk, src, tgtUnk, tgt)
}

func countUnk(ids []int) int {
	n := 0
	for _, id := range ids {
		if id == data.UnkID {
			n++
		}
	}
	return n
}
