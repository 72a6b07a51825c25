package train

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/seq2seq/transformer/data"
)

// Validate checks every value of c without touching the file system. It
// returns all problems joined, each a *ConfigError naming the key.
func (c *Config) Validate() error { return c.validate("", nil) }

// safeName matches a single, portable path component.
var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// validator collects problems, attaching the file and the key's line.
type validator struct {
	file  string
	lines map[string]int
	errs  []error
}

// fail records that key is invalid.
func (v *validator) fail(key, format string, args ...any) {
	v.errs = append(v.errs, &ConfigError{File: v.file, Line: v.lines[key], Key: key, Msg: fmt.Sprintf(format, args...)})
}

// positive requires an integer > 0.
func (v *validator) positive(key string, x int) {
	if x <= 0 {
		v.fail(key, "%d must be positive", x)
	}
}

// nonNegative requires an integer >= 0.
func (v *validator) nonNegative(key string, x int) {
	if x < 0 {
		v.fail(key, "%d must not be negative", x)
	}
}

// unitInterval requires a number in [0, 1).
func (v *validator) unitInterval(key string, x float64) {
	if !(x >= 0 && x < 1) {
		v.fail(key, "%v must be in [0, 1)", x)
	}
}

// finiteAtLeast requires a finite number >= lo, or > lo when strict.
func (v *validator) finiteAtLeast(key string, x, lo float64, strict bool) {
	if math.IsNaN(x) || math.IsInf(x, 0) || x < lo || (strict && x == lo) {
		rel := ">="
		if strict {
			rel = ">"
		}
		v.fail(key, "%v must be a finite number %s %v", x, rel, lo)
	}
}

// oneOf requires x to be one of choices.
func (v *validator) oneOf(key, x string, choices []string) {
	if !slices.Contains(choices, x) {
		v.fail(key, "%q is not one of %s", x, strings.Join(choices, ", "))
	}
}

// component requires a single safe path component.
func (v *validator) component(key, x string) {
	if !safeName.MatchString(x) {
		v.fail(key, "%q must be a single path component of letters, digits, '.', '_' or '-', starting with a letter or digit", x)
	}
}

// validate checks c, naming file and using lines (both optional) in errors.
func (c *Config) validate(file string, lines map[string]int) error {
	v := &validator{file: file, lines: lines}
	v.component("name", c.Name)
	if c.Out == "" {
		v.fail("out", "must not be empty")
	}
	c.Data.validate(v)
	c.Model.validate(v, c.Data.MaxLen, c.Data.Bucket)
	c.Train.validate(v)
	c.Train.GuidedAlignment.validate(v, c.Model)
	c.Decode.validate(v)
	return errors.Join(v.errs...)
}

// validate checks the data group.
func (d DataConfig) validate(v *validator) {
	if d.Dir == "" {
		v.fail("data.dir", "must not be empty")
	}
	v.component("data.src", d.Src)
	v.component("data.tgt", d.Tgt)
	if d.Src == d.Tgt {
		v.fail("data.tgt", "%q must differ from data.src", d.Tgt)
	}
	if d.Toy {
		v.positive("data.toy_train", d.ToyTrain)
		v.positive("data.toy_valid", d.ToyValid)
		v.positive("data.toy_test", d.ToyTest)
	}
	v.positive("data.max_len", d.MaxLen)
	v.positive("data.min_freq", d.MinFreq)
	if d.MaxVocab != 0 && d.MaxVocab <= 4 {
		v.fail("data.max_vocab", "%d must be 0 (unlimited) or more than the 4 special tokens", d.MaxVocab)
	}
	v.positive("data.bucket", d.Bucket)
	d.validateTokenizer(v)
}

// validate checks the model group; maxLen and bucket are data.max_len and
// data.bucket, which fix the longest training graph.
func (m ModelConfig) validate(v *validator, maxLen, bucket int) {
	v.positive("model.d_model", m.DModel)
	v.positive("model.heads", m.Heads)
	if m.DModel > 0 && m.Heads > 0 && m.DModel%m.Heads != 0 {
		v.fail("model.heads", "%d does not divide model.d_model %d", m.Heads, m.DModel)
	}
	v.positive("model.encoder_layers", m.EncoderLayers)
	v.positive("model.decoder_layers", m.DecoderLayers)
	v.positive("model.d_ff", m.DFF)
	v.unitInterval("model.dropout", m.Dropout)
	need := maxLen + 2 // BOS and EOS
	if bucket > 0 {
		need = max(need, data.BucketLen(maxLen+1, bucket)) // target graphs are rounded up to the bucket
	}
	if m.MaxPositions < need {
		v.fail("model.max_positions", "%d must be at least %d for data.max_len %d (plus BOS and EOS, rounded up to data.bucket %d)", m.MaxPositions, need, maxLen, bucket)
	}
}

// validate checks the train group.
func (t TrainConfig) validate(v *validator) {
	v.positive("train.batch_size", t.BatchSize)
	v.positive("train.steps", t.Steps)
	v.finiteAtLeast("train.lr", t.LR, 0, true)
	v.nonNegative("train.warmup", t.Warmup)
	v.oneOf("train.schedule", t.Schedule, Schedules)
	v.unitInterval("train.label_smoothing", t.LabelSmoothing)
	v.finiteAtLeast("train.clip_norm", t.ClipNorm, 0, false)
	v.unitInterval("train.beta1", t.Beta1)
	v.unitInterval("train.beta2", t.Beta2)
	v.finiteAtLeast("train.eps", t.Eps, 0, true)
	v.positive("train.eval_every", t.EvalEvery)
	v.positive("train.save_every", t.SaveEvery)
	v.positive("train.log_every", t.LogEvery)
	v.positive("train.keep_last", t.KeepLast)
	v.nonNegative("train.valid_bleu_sentences", t.ValidBLEUSentences)
	v.oneOf("train.on_nonfinite", t.OnNonfinite, OnNonfiniteChoices)
	switch {
	case t.Workers < 1:
		v.fail("train.workers", "%d must be positive", t.Workers)
	case t.BatchSize > 0 && t.Workers > t.BatchSize:
		v.fail("train.workers", "%d must be at most train.batch_size (%d): each worker takes at least one sentence of a batch", t.Workers, t.BatchSize)
	}
	v.nonNegative("train.patience", t.Patience)
	v.oneOf("train.early_stopping_metric", t.EarlyStoppingMetric, EarlyStoppingMetrics)
	if t.Patience > 0 && t.EarlyStoppingMetric == MetricBLEU && t.ValidBLEUSentences == 0 {
		v.fail("train.early_stopping_metric", "bleu needs train.valid_bleu_sentences > 0 (or use loss)")
	}
}

// validate checks the decode group.
func (d DecodeConfig) validate(v *validator) {
	v.positive("decode.beam", d.Beam)
	v.oneOf("decode.length_penalty", d.LengthPenalty, LengthPenalties)
	v.finiteAtLeast("decode.alpha", d.Alpha, 0, false)
	v.finiteAtLeast("decode.max_len_a", d.MaxLenA, 0, false)
	v.nonNegative("decode.max_len_b", d.MaxLenB)
	if d.MaxLenA == 0 && d.MaxLenB == 0 {
		v.fail("decode.max_len_b", "decode.max_len_a and decode.max_len_b cannot both be 0")
	}
}
