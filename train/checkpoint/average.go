package checkpoint

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// AveragedFromKey is the Extra key of an averaged checkpoint listing the
// step directories it averages, comma-separated, oldest first.
const AveragedFromKey = "averaged_from"

// Average returns the element-wise mean of the parameters of states, as
// fairseq's average_checkpoints does: every state must have the same
// parameter names, order and shapes and the same vocabularies. The mean of
// each scalar is summed and divided in float64 and rounded once to float32.
//
// The result is the last state's step, config, vocabularies, RNG and data
// state and best score with the averaged parameters. It carries no
// optimizer state (no Adam moments, AdamStep 0): the moments of the last
// checkpoint belong to its weights, not to the mean, so the result is a
// model to translate and evaluate with, not one to resume. Extra holds
// only AveragedFromKey, from names (one per state, for that record).
func Average(states []*State, names []string) (*State, error) {
	if len(states) == 0 {
		return nil, errors.New("average: no checkpoints")
	}
	if len(names) != len(states) {
		return nil, fmt.Errorf("average: %d names for %d checkpoints", len(names), len(states))
	}
	first := states[0]
	for i, st := range states[1:] {
		if err := compatible(first, st); err != nil {
			return nil, fmt.Errorf("average: %s and %s differ: %w", names[0], names[i+1], err)
		}
	}
	last := states[len(states)-1]
	out := &State{
		Step: last.Step, Config: last.Config, Params: meanParams(states),
		RNG: last.RNG, Data: last.Data, SrcVocab: last.SrcVocab, TgtVocab: last.TgtVocab,
		BestScore: last.BestScore, BestStep: last.BestStep,
		Extra: map[string]string{AveragedFromKey: strings.Join(names, ",")},
	}
	return out, nil
}

// compatible reports how b's parameters or vocabularies differ from a's.
func compatible(a, b *State) error {
	if err := sameLayout("params", b.Params, a.Params); err != nil {
		return err
	}
	if !slices.Equal(a.SrcVocab, b.SrcVocab) {
		return errors.New("source vocabularies differ")
	}
	if !slices.Equal(a.TgtVocab, b.TgtVocab) {
		return errors.New("target vocabularies differ")
	}
	return nil
}

// meanParams returns the element-wise mean of the states' parameters, which
// compatible has checked to share one layout.
func meanParams(states []*State) []Tensor {
	n := float64(len(states))
	out := make([]Tensor, len(states[0].Params))
	for i, p := range states[0].Params {
		data := make([]float32, len(p.Data))
		for j := range data {
			sum := 0.0
			for _, st := range states {
				sum += float64(st.Params[i].Data[j])
			}
			data[j] = float32(sum / n)
		}
		out[i] = Tensor{Name: p.Name, Shape: slices.Clone(p.Shape), Data: data}
	}
	return out
}

// AverageLast loads the newest k checkpoints of runDir by step and returns
// their Average. Each must load cleanly (a damaged one is an error naming
// it, not skipped: the caller asked for those k).
func AverageLast(runDir string, k int) (*State, error) {
	if k < 1 {
		return nil, fmt.Errorf("average %s: --last %d, want at least 1", runDir, k)
	}
	steps, err := ListSteps(runDir)
	if err != nil {
		return nil, fmt.Errorf("average %s: %w", runDir, err)
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("average %s: %w", runDir, ErrNoCheckpoint)
	}
	if k > len(steps) {
		return nil, fmt.Errorf("average %s: last %d checkpoints asked for, the run has %d", runDir, k, len(steps))
	}
	var states []*State
	var names []string
	for _, dir := range steps[len(steps)-k:] {
		st, err := Load(dir)
		if err != nil {
			return nil, fmt.Errorf("average %s: %w", runDir, err)
		}
		states = append(states, st)
		names = append(names, filepath.Base(dir))
	}
	st, err := Average(states, names)
	if err != nil {
		return nil, fmt.Errorf("average %s: %w", runDir, err)
	}
	return st, nil
}
