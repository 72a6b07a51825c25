package train

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/train/checkpoint"
	"github.com/seq2seq/transformer/train/optim"
)

// paramTensors copies the registry's values into checkpoint tensors.
func paramTensors(ps *graph.Params) []checkpoint.Tensor {
	out := make([]checkpoint.Tensor, 0, len(ps.List()))
	for _, p := range ps.List() {
		out = append(out, checkpoint.Tensor{Name: p.Name, Shape: append([]int(nil), p.Shape()...),
			Data: append([]float32(nil), p.Value.Float32s()...)})
	}
	return out
}

// momentTensors lays out one Adam moment map in registry order.
func momentTensors(ps *graph.Params, m map[string][]float32) []checkpoint.Tensor {
	if len(m) == 0 {
		return nil
	}
	out := make([]checkpoint.Tensor, 0, len(ps.List()))
	for _, p := range ps.List() {
		d := m[p.Name]
		if d == nil {
			d = make([]float32, p.Size())
		}
		out = append(out, checkpoint.Tensor{Name: p.Name, Shape: append([]int(nil), p.Shape()...), Data: append([]float32(nil), d...)})
	}
	return out
}

// restoreParams copies checkpoint tensors into the registry, checking that
// names and shapes match the model the config describes.
func restoreParams(ps *graph.Params, ts []checkpoint.Tensor) error {
	if len(ts) != len(ps.List()) {
		return fmt.Errorf("checkpoint has %d parameter tensors, the configured model has %d (different model shape?)", len(ts), len(ps.List()))
	}
	for i, p := range ps.List() {
		t := ts[i]
		if t.Name != p.Name || !slices.Equal(t.Shape, []int(p.Shape())) {
			return fmt.Errorf("checkpoint parameter %d is %s %v, the configured model has %s %v (different model shape?)", i, t.Name, t.Shape, p.Name, []int(p.Shape()))
		}
		copy(p.Value.Float32s(), t.Data)
	}
	return nil
}

func momentMap(ts []checkpoint.Tensor) map[string][]float32 {
	m := make(map[string][]float32, len(ts))
	for _, t := range ts {
		m[t.Name] = append([]float32(nil), t.Data...)
	}
	return m
}

// WeightsDigest is checkpoint.WeightsSHA256 of the registry's current values.
func WeightsDigest(ps *graph.Params) string {
	return checkpoint.WeightsSHA256(paramTensors(ps))
}

// snapshot captures everything a resume needs.
func (r *trainer) snapshot() (*checkpoint.State, error) {
	cfgYAML, err := r.cfg.Marshal()
	if err != nil {
		return nil, err
	}
	iterState, err := json.Marshal(r.iter.State())
	if err != nil {
		return nil, err
	}
	srcTok, tgtTok, err := r.corpus.Tok.files()
	if err != nil {
		return nil, err
	}
	as := r.adam.State()
	extra := map[string]string{"skipped": fmt.Sprint(r.skipped), "skip_streak": fmt.Sprint(r.streak), dataDigestKey: r.corpus.Digest}
	r.earlyStopExtra(extra)
	return &checkpoint.State{
		Step:         r.step,
		Config:       cfgYAML,
		Params:       paramTensors(r.params),
		AdamStep:     as.Step,
		AdamM:        momentTensors(r.params, as.M),
		AdamV:        momentTensors(r.params, as.V),
		RNG:          r.dropRNG.State(),
		Data:         iterState,
		SrcVocab:     r.corpus.Src.Tokens(),
		TgtVocab:     r.corpus.Tgt.Tokens(),
		SrcTokenizer: srcTok,
		TgtTokenizer: tgtTok,
		BestScore:    r.best,
		BestStep:     r.bestStep,
		Extra:        extra,
	}, nil
}

// restore loads a checkpoint's weights, optimizer, RNG and data position.
func (r *trainer) restore(st *checkpoint.State) error {
	if err := restoreParams(r.params, st.Params); err != nil {
		return err
	}
	if err := r.adam.Restore(optim.AdamState{Step: st.AdamStep, M: momentMap(st.AdamM), V: momentMap(st.AdamV)}); err != nil {
		return fmt.Errorf("restore optimizer: %w", err)
	}
	if err := r.dropRNG.Restore(st.RNG); err != nil {
		return err
	}
	var is data.IterState
	if err := json.Unmarshal(st.Data, &is); err != nil {
		return fmt.Errorf("restore data position: %w", err)
	}
	if err := r.iter.Restore(is); err != nil {
		return fmt.Errorf("restore data position: %w", err)
	}
	r.step, r.best, r.bestStep = st.Step, st.BestScore, st.BestStep
	fmt.Sscan(st.Extra["skipped"], &r.skipped)
	fmt.Sscan(st.Extra["skip_streak"], &r.streak)
	return r.restoreEarlyStop(st.Extra)
}
