package train

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/train/checkpoint"
)

// readRecords returns metrics.jsonl's records in order.
func readRecords(t *testing.T, runDir string) []Record {
	t.Helper()
	f, err := os.Open(filepath.Join(runDir, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("metrics line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

// TestEarlyStopping trains the micro config with train.patience set and
// checks, from the validation scores the run wrote, that it stopped at the
// first evaluation that ended patience evaluations without improvement,
// that the best checkpoint is the best evaluation's, and that OnEval saw
// every evaluation with its metrics line already on disk.
func TestEarlyStopping(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	for _, metric := range EarlyStoppingMetrics {
		t.Run(metric, func(t *testing.T) {
			cfg := microConfig(t, t.TempDir())
			cfg.Train.Steps, cfg.Train.EvalEvery, cfg.Train.SaveEvery = 200, 2, 2
			cfg.Train.LR = 0.03 // too high for the micro model: the scores stall
			cfg.Train.Patience, cfg.Train.EarlyStoppingMetric = 2, metric
			var evals []int
			var onDisk []int
			opt := Options{OnEval: func(runDir string) {
				recs := readRecords(t, runDir)
				evals = append(evals, recs[len(recs)-1].Step)
				if recs[len(recs)-1].ValidLoss != nil {
					onDisk = append(onDisk, recs[len(recs)-1].Step)
				}
			}}
			res := runMicro(t, cfg, opt)
			recs := readRecords(t, res.RunDir)

			// The stopping rule, replayed on the recorded scores.
			best, stale, wantStop, bestStep := math.Inf(-1), 0, 0, 0
			for _, r := range recs {
				if r.ValidLoss == nil {
					continue
				}
				s := -*r.ValidLoss
				if metric == MetricBLEU {
					s = *r.ValidBLEU
				}
				if s > best {
					best, stale, bestStep = s, 0, r.Step
				} else {
					stale++
				}
				if stale >= cfg.Train.Patience {
					wantStop = r.Step
					break
				}
			}
			if wantStop == 0 {
				t.Fatalf("the scores never stalled for %d evaluations in %d steps: the test does not exercise early stopping", cfg.Train.Patience, cfg.Train.Steps)
			}
			if !res.EarlyStopped || res.Step != wantStop {
				t.Fatalf("run ended at step %d (early stopped %v), want an early stop at step %d", res.Step, res.EarlyStopped, wantStop)
			}
			if last := recs[len(recs)-1].Step; last != wantStop {
				t.Errorf("metrics end at step %d, want %d", last, wantStop)
			}
			if len(evals) != wantStop/cfg.Train.EvalEvery || len(onDisk) != len(evals) {
				t.Errorf("OnEval called at steps %v (metrics line on disk at %v), want every %d steps to %d", evals, onDisk, cfg.Train.EvalEvery, wantStop)
			}
			target, err := os.Readlink(filepath.Join(res.RunDir, "best"))
			if err != nil {
				b, rerr := os.ReadFile(filepath.Join(res.RunDir, "best"))
				if rerr != nil {
					t.Fatalf("best checkpoint: %v", err)
				}
				target = strings.TrimSpace(string(b))
			}
			if want := checkpoint.StepDirName(bestStep); filepath.Base(target) != want {
				t.Errorf("best checkpoint %s, want %s (best %s at step %d)", target, want, metric, bestStep)
			}
		})
	}
}

// TestEarlyStopStateRoundTrip checks that the early-stopping count a
// checkpoint keeps comes back on resume (the best score may still be -Inf),
// and that a checkpoint written before the keys existed starts afresh.
func TestEarlyStopStateRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		best  float64
		stale int
	}{{math.Inf(-1), 0}, {12.5, 3}, {-4.0625, 1}} {
		r := &trainer{evalBest: tt.best, stale: tt.stale}
		extra := map[string]string{}
		r.earlyStopExtra(extra)
		got := &trainer{}
		if err := got.restoreEarlyStop(extra); err != nil {
			t.Fatal(err)
		}
		if got.evalBest != tt.best || got.stale != tt.stale {
			t.Errorf("restored best %v, stale %d; want %v, %d", got.evalBest, got.stale, tt.best, tt.stale)
		}
	}
	fresh := &trainer{evalBest: 7, stale: 2}
	if err := fresh.restoreEarlyStop(map[string]string{"skipped": "0"}); err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(fresh.evalBest, -1) || fresh.stale != 0 {
		t.Errorf("old checkpoint restored best %v, stale %d; want -Inf, 0", fresh.evalBest, fresh.stale)
	}
	if err := fresh.restoreEarlyStop(map[string]string{"eval_best": "x"}); err == nil {
		t.Error("a malformed eval_best was accepted")
	}
}
