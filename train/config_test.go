package train

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/data"
)

// validTestConfig returns the defaults with the required name and seed set.
func validTestConfig() *Config {
	c := DefaultConfig()
	c.Name, c.Seed = "tiny", 1
	return c
}

func TestLoadConfigShippedFiles(t *testing.T) {
	micro := validTestConfig()
	micro.Name = "micro"
	micro.Data.Dir = "data/micro"
	micro.Data.ToyTrain, micro.Data.ToyValid, micro.Data.ToyTest = 300, 40, 40
	micro.Data.MaxLen = 16
	micro.Model.DModel, micro.Model.Heads, micro.Model.DFF = 16, 2, 32
	micro.Model.EncoderLayers, micro.Model.DecoderLayers = 1, 1
	micro.Train.BatchSize, micro.Train.Steps, micro.Train.Warmup = 8, 20, 5
	micro.Train.EvalEvery, micro.Train.SaveEvery, micro.Train.LogEvery = 10, 10, 5
	micro.Train.ValidBLEUSentences = 20
	tiny := validTestConfig() // the defaults, but two workers and a shorter, faster schedule
	tiny.Train.Workers, tiny.Train.Steps, tiny.Train.LR, tiny.Train.Warmup = 2, 1000, 0.002, 200
	tiny.Train.EvalEvery, tiny.Train.SaveEvery = 250, 250
	tests := []struct {
		path string
		want *Config
	}{
		{"../configs/tiny.yaml", tiny},
		{"../configs/micro.yaml", micro},
		{"testdata/config/doc_example.yaml", validTestConfig()},
		{"testdata/config/minimal.yaml", validTestConfig()},
	}
	for _, tt := range tests {
		got, err := LoadConfig(tt.path)
		if err != nil {
			t.Errorf("LoadConfig(%q) error: %v", tt.path, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("LoadConfig(%q) = %+v, want %+v", tt.path, *got, *tt.want)
		}
		if err := got.Validate(); err != nil {
			t.Errorf("LoadConfig(%q).Validate() = %v, want nil", tt.path, err)
		}
		if err := got.ValidateFiles(); err != nil {
			t.Errorf("LoadConfig(%q).ValidateFiles() = %v, want nil (toy data)", tt.path, err)
		}
	}
}

func TestConfigMarshalRoundTrip(t *testing.T) {
	for _, path := range []string{"testdata/config/doc_example.yaml", "../configs/tiny.yaml", "../configs/micro.yaml"} {
		c, err := LoadConfig(path)
		if err != nil {
			t.Fatalf("LoadConfig(%q) error: %v", path, err)
		}
		data, err := c.Marshal()
		if err != nil {
			t.Fatalf("Marshal of %s error: %v", path, err)
		}
		back, err := ParseConfig(data, "resolved.yaml")
		if err != nil {
			t.Fatalf("ParseConfig(Marshal of %s) error: %v\n%s", path, err, data)
		}
		if !reflect.DeepEqual(back, c) {
			t.Errorf("ParseConfig(Marshal of %s) = %+v, want %+v", path, *back, *c)
		}
		again, err := back.Marshal()
		if err != nil || string(again) != string(data) {
			t.Errorf("second Marshal of %s = %q, %v, want %q", path, again, err, data)
		}
	}
}

func TestConfigMarshalHasEveryKey(t *testing.T) {
	data, err := validTestConfig().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"name:", "seed:", "out:", "toy_train:", "max_positions:", "valid_bleu_sentences:", "on_nonfinite:", "patience:", "early_stopping_metric:", "max_len_b:"} {
		if !strings.Contains(string(data), key) {
			t.Errorf("Marshal() = %s, want it to contain %q", data, key)
		}
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{"testdata/config/unknown_key.yaml", []string{"testdata/config/unknown_key.yaml", "line 6", "model.head", "unknown key", "heads"}},
		{"testdata/config/bad_type.yaml", []string{"testdata/config/bad_type.yaml", "line 7", "train.steps", `"lots" is not an integer`}},
		{"testdata/config/malformed.yaml", []string{"testdata/config/malformed.yaml", "malformed YAML", "line"}},
		{"testdata/config/bad_heads.yaml", []string{"testdata/config/bad_heads.yaml", "line 6: model.heads: 5 does not divide model.d_model 64", `line 8: train.schedule: "cosine" is not one of inverse_sqrt, constant`}},
		{"testdata/config/absent.yaml", []string{"testdata/config/absent.yaml", "no such file"}},
	}
	for _, tt := range tests {
		_, err := LoadConfig(tt.path)
		if err == nil {
			t.Errorf("LoadConfig(%q) error = nil, want one containing %q", tt.path, tt.want)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("LoadConfig(%q) error = %q, want it to contain %q", tt.path, err, w)
			}
		}
	}
}

func TestParseConfigErrors(t *testing.T) {
	const head = "name: t\nseed: 1\ndata: {}\n"
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"unknown top-level key", head + "model: {}\ntrain: {}\nmodle: {}\n", "x.yaml: line 6: modle: unknown key (valid keys at the top level: name, seed, out, data, model, train, decode)"},
		{"unknown nested key", head + "model: {}\ntrain:\n  step: 3\n", "x.yaml: line 6: train.step: unknown key (valid keys in train: batch_size, steps,"},
		{"string for int", head + "model: {heads: four}\ntrain: {}\n", `x.yaml: line 4: model.heads: "four" is not an integer`},
		{"quoted int", head + "model: {heads: \"4\"}\ntrain: {}\n", `model.heads: "4" is not an integer`},
		{"float for int", head + "model: {}\ntrain: {steps: 10.5}\n", `line 5: train.steps: "10.5" is not an integer`},
		{"yes for bool", "name: t\nseed: 1\ndata: {toy: yes}\nmodel: {}\ntrain: {}\n", `line 3: data.toy: "yes" is not true or false`},
		{"string for float", head + "model: {dropout: high}\ntrain: {}\n", `model.dropout: "high" is not a number`},
		{"negative seed", "name: t\nseed: -1\ndata: {}\nmodel: {}\ntrain: {}\n", `line 2: seed: "-1" is not a non-negative integer`},
		{"list for value", head + "model: {heads: [4]}\ntrain: {}\n", "model.heads: must be a single value"},
		{"value for group", head + "model: 3\ntrain: {}\n", "line 4: model: must be a mapping of keys (valid keys in model: d_model, heads,"},
		{"empty value", head + "model:\n  heads:\ntrain: {}\n", "line 5: model.heads: value is empty"},
		{"duplicate key", head + "model: {}\ntrain: {}\nmodel: {}\n", "line 6: model: duplicate key (first given on line 4)"},
		{"missing required", "name: t\nseed: 1\ndata: {}\ntrain: {}\n", "model: required key is missing"},
		{"malformed", head + "model: {\ntrain: {}\n", "x.yaml: malformed YAML: line"},
		{"empty file", "", "x.yaml: file is empty"},
		{"not a mapping", "- a\n- b\n", "x.yaml: line 1: top level must be a mapping of keys"},
		{"two documents", head + "model: {}\ntrain: {}\n---\nname: u\n", "more than one YAML document"},
		{"bad name", "name: ../up\nseed: 1\ndata: {}\nmodel: {}\ntrain: {}\n", `line 1: name: "../up" must be a single path component`},
		{"bad divide", head + "model:\n  d_model: 64\n  heads: 5\ntrain: {}\n", "x.yaml: line 6: model.heads: 5 does not divide model.d_model 64"},
		{"bad on_nonfinite", head + "model: {}\ntrain:\n  on_nonfinite: ignore\n", `x.yaml: line 6: train.on_nonfinite: "ignore" is not one of stop, skip`},
		{"bad schedule", head + "model: {}\ntrain: {schedule: cosine}\n", `train.schedule: "cosine" is not one of inverse_sqrt, constant`},
	}
	for _, tt := range tests {
		_, err := ParseConfig([]byte(tt.yaml), "x.yaml")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ParseConfig error = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestConfigErrorType(t *testing.T) {
	_, err := ParseConfig([]byte("name: t\nseed: 1\ndata: {}\nmodel: {heads: 3}\ntrain: {}\n"), "x.yaml")
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("ParseConfig error = %v, want a *ConfigError", err)
	}
	want := ConfigError{File: "x.yaml", Line: 4, Key: "model.heads", Msg: "3 does not divide model.d_model 64"}
	if *ce != want {
		t.Errorf("ParseConfig error = %+v, want %+v", *ce, want)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(c *Config)
		want   string // "" means valid
	}{
		{"defaults", func(c *Config) {}, ""},
		{"empty name", func(c *Config) { c.Name = "" }, `name: "" must be a single path component`},
		{"name with slash", func(c *Config) { c.Name = "a/b" }, `name: "a/b" must be a single path component`},
		{"name dot dot", func(c *Config) { c.Name = ".." }, `name: ".." must be a single path component`},
		{"name hidden", func(c *Config) { c.Name = ".x" }, `name: ".x" must be`},
		{"name ok", func(c *Config) { c.Name = "run-2.b_c" }, ""},
		{"empty out", func(c *Config) { c.Out = "" }, "out: must not be empty"},
		{"empty data dir", func(c *Config) { c.Data.Dir = "" }, "data.dir: must not be empty"},
		{"src with slash", func(c *Config) { c.Data.Src = "a/b" }, `data.src: "a/b" must be`},
		{"src equals tgt", func(c *Config) { c.Data.Tgt = "src" }, `data.tgt: "src" must differ from data.src`},
		{"toy train zero", func(c *Config) { c.Data.ToyTrain = 0 }, "data.toy_train: 0 must be positive"},
		{"toy sizes unused", func(c *Config) { c.Data.Toy, c.Data.ToyTrain = false, 0 }, ""},
		{"max_len zero", func(c *Config) { c.Data.MaxLen = 0 }, "data.max_len: 0 must be positive"},
		{"min_freq zero", func(c *Config) { c.Data.MinFreq = 0 }, "data.min_freq: 0 must be positive"},
		{"max_vocab too small", func(c *Config) { c.Data.MaxVocab = 4 }, "data.max_vocab: 4 must be 0 (unlimited) or more than the 4 special tokens"},
		{"max_vocab ok", func(c *Config) { c.Data.MaxVocab = 5 }, ""},
		{"bucket zero", func(c *Config) { c.Data.Bucket = 0 }, "data.bucket: 0 must be positive"},
		{"d_model zero", func(c *Config) { c.Model.DModel = 0 }, "model.d_model: 0 must be positive"},
		{"heads zero", func(c *Config) { c.Model.Heads = 0 }, "model.heads: 0 must be positive"},
		{"heads not dividing", func(c *Config) { c.Model.Heads = 5 }, "model.heads: 5 does not divide model.d_model 64"},
		{"encoder layers zero", func(c *Config) { c.Model.EncoderLayers = 0 }, "model.encoder_layers: 0 must be positive"},
		{"decoder layers negative", func(c *Config) { c.Model.DecoderLayers = -1 }, "model.decoder_layers: -1 must be positive"},
		{"d_ff zero", func(c *Config) { c.Model.DFF = 0 }, "model.d_ff: 0 must be positive"},
		{"dropout one", func(c *Config) { c.Model.Dropout = 1 }, "model.dropout: 1 must be in [0, 1)"},
		{"dropout negative", func(c *Config) { c.Model.Dropout = -0.1 }, "model.dropout: -0.1 must be in [0, 1)"},
		{"dropout zero", func(c *Config) { c.Model.Dropout = 0 }, ""},
		{"max_positions short", func(c *Config) { c.Model.MaxPositions = 33 }, "model.max_positions: 33 must be at least 36 for data.max_len 32"},
		{"batch zero", func(c *Config) { c.Train.BatchSize = 0 }, "train.batch_size: 0 must be positive"},
		{"steps zero", func(c *Config) { c.Train.Steps = 0 }, "train.steps: 0 must be positive"},
		{"lr zero", func(c *Config) { c.Train.LR = 0 }, "train.lr: 0 must be a finite number > 0"},
		{"lr nan", func(c *Config) { c.Train.LR = nan() }, "train.lr: NaN must be a finite number > 0"},
		{"warmup negative", func(c *Config) { c.Train.Warmup = -1 }, "train.warmup: -1 must not be negative"},
		{"warmup zero", func(c *Config) { c.Train.Warmup = 0 }, ""},
		{"schedule", func(c *Config) { c.Train.Schedule = "cosine" }, `train.schedule: "cosine" is not one of inverse_sqrt, constant`},
		{"schedule constant", func(c *Config) { c.Train.Schedule = ScheduleConstant }, ""},
		{"label smoothing one", func(c *Config) { c.Train.LabelSmoothing = 1 }, "train.label_smoothing: 1 must be in [0, 1)"},
		{"clip negative", func(c *Config) { c.Train.ClipNorm = -1 }, "train.clip_norm: -1 must be a finite number >= 0"},
		{"clip zero", func(c *Config) { c.Train.ClipNorm = 0 }, ""},
		{"beta1 one", func(c *Config) { c.Train.Beta1 = 1 }, "train.beta1: 1 must be in [0, 1)"},
		{"beta2 negative", func(c *Config) { c.Train.Beta2 = -0.5 }, "train.beta2: -0.5 must be in [0, 1)"},
		{"eps zero", func(c *Config) { c.Train.Eps = 0 }, "train.eps: 0 must be a finite number > 0"},
		{"eval_every zero", func(c *Config) { c.Train.EvalEvery = 0 }, "train.eval_every: 0 must be positive"},
		{"save_every zero", func(c *Config) { c.Train.SaveEvery = 0 }, "train.save_every: 0 must be positive"},
		{"log_every zero", func(c *Config) { c.Train.LogEvery = 0 }, "train.log_every: 0 must be positive"},
		{"keep_last zero", func(c *Config) { c.Train.KeepLast = 0 }, "train.keep_last: 0 must be positive"},
		{"bleu sentences negative", func(c *Config) { c.Train.ValidBLEUSentences = -1 }, "train.valid_bleu_sentences: -1 must not be negative"},
		{"on_nonfinite", func(c *Config) { c.Train.OnNonfinite = "warn" }, `train.on_nonfinite: "warn" is not one of stop, skip`},
		{"on_nonfinite skip", func(c *Config) { c.Train.OnNonfinite = OnNonfiniteSkip }, ""},
		{"workers zero", func(c *Config) { c.Train.Workers = 0 }, "train.workers: 0 must be positive"},
		{"workers negative", func(c *Config) { c.Train.Workers = -2 }, "train.workers: -2 must be positive"},
		{"workers two", func(c *Config) { c.Train.Workers = 2 }, ""},
		{"workers three", func(c *Config) { c.Train.Workers = 3 }, ""},
		{"workers 64", func(c *Config) { c.Train.Workers = 64 }, ""},
		{"workers above batch_size", func(c *Config) { c.Train.Workers = 65 }, "train.workers: 65 must be at most train.batch_size (64)"},
		{"workers equal to a small batch_size", func(c *Config) { c.Train.Workers, c.Train.BatchSize = 4, 4 }, ""},
		{"patience negative", func(c *Config) { c.Train.Patience = -1 }, "train.patience: -1 must not be negative"},
		{"patience with loss", func(c *Config) { c.Train.Patience, c.Train.EarlyStoppingMetric = 3, MetricLoss }, ""},
		{"early_stopping_metric", func(c *Config) { c.Train.EarlyStoppingMetric = "accuracy" }, `train.early_stopping_metric: "accuracy" is not one of bleu, loss`},
		{"patience on bleu without bleu", func(c *Config) { c.Train.Patience, c.Train.ValidBLEUSentences = 2, 0 }, "train.early_stopping_metric: bleu needs train.valid_bleu_sentences > 0"},
		{"no patience without bleu", func(c *Config) { c.Train.ValidBLEUSentences = 0 }, ""},
		{"beam zero", func(c *Config) { c.Decode.Beam = 0 }, "decode.beam: 0 must be positive"},
		{"length_penalty", func(c *Config) { c.Decode.LengthPenalty = "wu" }, `decode.length_penalty: "wu" is not one of gnmt, fairseq, none`},
		{"length_penalty none", func(c *Config) { c.Decode.LengthPenalty = PenaltyNone }, ""},
		{"alpha negative", func(c *Config) { c.Decode.Alpha = -1 }, "decode.alpha: -1 must be a finite number >= 0"},
		{"max_len_a negative", func(c *Config) { c.Decode.MaxLenA = -1 }, "decode.max_len_a: -1 must be a finite number >= 0"},
		{"max_len_b negative", func(c *Config) { c.Decode.MaxLenB = -1 }, "decode.max_len_b: -1 must not be negative"},
		{"max_len both zero", func(c *Config) { c.Decode.MaxLenA, c.Decode.MaxLenB = 0, 0 }, "decode.max_len_a and decode.max_len_b cannot both be 0"},
	}
	for _, tt := range tests {
		c := validTestConfig()
		tt.modify(c)
		err := c.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: Validate() = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

// nan returns a quiet NaN.
func nan() float64 {
	zero := 0.0
	return zero / zero
}

func TestConfigValidateAllProblems(t *testing.T) {
	c := validTestConfig()
	c.Model.Heads, c.Train.Steps = 5, 0
	err := c.Validate()
	for _, want := range []string{"model.heads", "train.steps"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to report %s", err, want)
		}
	}
}

func TestConfigValidateFiles(t *testing.T) {
	dir := t.TempDir()
	c := validTestConfig()
	c.Data.Dir, c.Data.Toy = dir, false
	for _, path := range c.Data.Files()[:5] {
		if err := os.WriteFile(path, []byte("a b\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join(dir, "test.tgt")
	err := c.ValidateFiles()
	if err == nil || !strings.Contains(err.Error(), "data file "+missing) {
		t.Errorf("ValidateFiles() with %s absent = %v, want an error naming it", missing, err)
	}
	if err := os.WriteFile(missing, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.ValidateFiles(); err != nil {
		t.Errorf("ValidateFiles() with all files = %v, want nil", err)
	}
	c.Data.Dir, c.Data.Toy = filepath.Join(dir, "absent"), true
	if err := c.ValidateFiles(); err != nil {
		t.Errorf("ValidateFiles() with toy data = %v, want nil", err)
	}
}

func TestDataConfigFiles(t *testing.T) {
	d := DataConfig{Dir: "data/x", Src: "de", Tgt: "en"}
	want := []string{"data/x/train.de", "data/x/train.en", "data/x/valid.de", "data/x/valid.en", "data/x/test.de", "data/x/test.en"}
	for i := range want {
		want[i] = filepath.FromSlash(want[i])
	}
	if got := d.Files(); !reflect.DeepEqual(got, want) {
		t.Errorf("Files() = %q, want %q", got, want)
	}
}

func TestConfigRunDir(t *testing.T) {
	c := validTestConfig()
	if got, want := c.RunDir(), filepath.Join("checkpoints", "tiny"); got != want {
		t.Errorf("RunDir() = %q, want %q", got, want)
	}
}

func TestDecodeMaxOutputLen(t *testing.T) {
	tests := []struct {
		a      float64
		b, src int
		want   int
	}{
		{1.5, 10, 0, 10},
		{1.5, 10, 3, 14},
		{1.5, 10, 4, 16},
		{0, 0, 5, 1},
		{2, 0, 5, 10},
	}
	for _, tt := range tests {
		d := DecodeConfig{MaxLenA: tt.a, MaxLenB: tt.b}
		if got := d.MaxOutputLen(tt.src); got != tt.want {
			t.Errorf("DecodeConfig{MaxLenA: %v, MaxLenB: %d}.MaxOutputLen(%d) = %d, want %d", tt.a, tt.b, tt.src, got, tt.want)
		}
	}
}

func TestConfigSet(t *testing.T) {
	tests := []struct {
		key, value string
		get        func(c *Config) any
		want       any
	}{
		{"train.steps", "100", func(c *Config) any { return c.Train.Steps }, 100},
		{"train.lr", "3e-4", func(c *Config) any { return c.Train.LR }, 3e-4},
		{"train.lr", "1", func(c *Config) any { return c.Train.LR }, 1.0},
		{"data.toy", "false", func(c *Config) any { return c.Data.Toy }, false},
		{"name", "other", func(c *Config) any { return c.Name }, "other"},
		{"seed", "7", func(c *Config) any { return c.Seed }, uint64(7)},
		{"train.schedule", "constant", func(c *Config) any { return c.Train.Schedule }, "constant"},
		{"data.dir", "data/x y", func(c *Config) any { return c.Data.Dir }, "data/x y"},
	}
	for _, tt := range tests {
		c := validTestConfig()
		if err := c.Set(tt.key, tt.value); err != nil {
			t.Errorf("Set(%q, %q) error: %v", tt.key, tt.value, err)
			continue
		}
		if got := tt.get(c); got != tt.want {
			t.Errorf("after Set(%q, %q) value = %v (%T), want %v (%T)", tt.key, tt.value, got, got, tt.want, tt.want)
		}
	}
}

func TestConfigSetErrors(t *testing.T) {
	tests := []struct {
		key, value, want string
	}{
		{"train.step", "1", "train.step: unknown key (valid keys in train: batch_size, steps,"},
		{"trian.steps", "1", "trian.steps: unknown key (valid keys at the top level:"},
		{"train", "1", "train: is a group; set one of its keys"},
		{"train.steps.x", "1", "train.steps.x: train.steps is a single value, not a group"},
		{"train.steps", "ten", `train.steps: "ten" is not an integer`},
		{"train.steps", "", "train.steps: value is empty"},
		{"data.toy", "1", `data.toy: "1" is not true or false`},
		{"model.heads", "[", "model.heads: cannot parse"},
	}
	for _, tt := range tests {
		c := validTestConfig()
		err := c.Set(tt.key, tt.value)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Set(%q, %q) = %v, want an error containing %q", tt.key, tt.value, err, tt.want)
		}
		if !reflect.DeepEqual(c, validTestConfig()) {
			t.Errorf("Set(%q, %q) failed but changed the config to %+v", tt.key, tt.value, *c)
		}
	}
}

func TestConfigOverride(t *testing.T) {
	c := validTestConfig()
	if err := c.Override("train.steps=100"); err != nil {
		t.Fatalf("Override(train.steps=100) error: %v", err)
	}
	if c.Train.Steps != 100 {
		t.Errorf("after Override(train.steps=100) steps = %d, want 100", c.Train.Steps)
	}
	if err := c.Override("train.steps"); err == nil || !strings.Contains(err.Error(), "want key=value") {
		t.Errorf("Override(train.steps) = %v, want a key=value error", err)
	}
}

// TestSynthConfig checks that configs/synth10k.yaml is valid, is the tiny
// model on the cmd/synth corpus with the schedule its comments promise,
// and that its files check fails until the corpus is written and passes
// after.
func TestSynthConfig(t *testing.T) {
	cfg, err := LoadConfig("../configs/synth10k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
	tiny, err := LoadConfig("../configs/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Model != tiny.Model || cfg.Train.BatchSize != tiny.Train.BatchSize || cfg.Train.Workers != 2 {
		t.Errorf("model %+v, batch %d, workers %d; want tiny's %+v, %d, 2", cfg.Model, cfg.Train.BatchSize, cfg.Train.Workers, tiny.Model, tiny.Train.BatchSize)
	}
	if cfg.Data.Toy || cfg.Data.Dir != "data/synth10k" || cfg.Train.Steps != 3000 || cfg.Train.EvalEvery != 1000 {
		t.Errorf("toy %v, dir %q, steps %d, eval_every %d; want false, data/synth10k, 3000, 1000",
			cfg.Data.Toy, cfg.Data.Dir, cfg.Train.Steps, cfg.Train.EvalEvery)
	}
	cfg.Data.Dir = filepath.Join(t.TempDir(), "synth")
	if err := cfg.ValidateFiles(); err == nil {
		t.Error("ValidateFiles() = nil without the corpus, want an error")
	}
	sc := data.DefaultSynthConfig(300, 200)
	sc.Train, sc.Valid, sc.Test = 50, 10, 10
	if err := data.WriteSynth(cfg.Data.Dir, cfg.Data.Src, cfg.Data.Tgt, sc); err != nil {
		t.Fatal(err)
	}
	if err := cfg.ValidateFiles(); err != nil {
		t.Errorf("ValidateFiles() = %v after cmd/synth's corpus was written, want nil", err)
	}
}
