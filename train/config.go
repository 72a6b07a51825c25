package train

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Config is one training run, decoded strictly from YAML (see
// configs/tiny.yaml for every key with a comment). Keys that are absent take
// the default written beside each field; name, seed, data, model and train
// must be present (data, model and train may be empty mappings).
type Config struct {
	// Name is the run name, a single safe path component; output goes to
	// <out>/<name>/. Required.
	Name string `yaml:"name"`
	// Seed seeds every random choice of the run. Required.
	Seed uint64 `yaml:"seed"`
	// Out is the root directory of run outputs. Default "checkpoints".
	Out    string       `yaml:"out"`
	Data   DataConfig   `yaml:"data"`
	Model  ModelConfig  `yaml:"model"`
	Train  TrainConfig  `yaml:"train"`
	Decode DecodeConfig `yaml:"decode"`
}

// DataConfig says where the parallel corpus is and how it is filtered.
type DataConfig struct {
	// Dir holds {train,valid,test}.{src,tgt}. Default "data/toy".
	Dir string `yaml:"dir"`
	// Src is the source-side file extension. Default "src".
	Src string `yaml:"src"`
	// Tgt is the target-side file extension. Default "tgt".
	Tgt string `yaml:"tgt"`
	// Toy generates the built-in toy corpus into Dir when its files are
	// absent. Default true.
	Toy bool `yaml:"toy"`
	// ToyTrain, ToyValid and ToyTest are the toy corpus sizes in sentence
	// pairs, used only when Toy is true. Defaults 20000, 1000, 1000.
	ToyTrain int `yaml:"toy_train"`
	ToyValid int `yaml:"toy_valid"`
	ToyTest  int `yaml:"toy_test"`
	// MaxLen drops training pairs whose source or target has more tokens.
	// Default 32.
	MaxLen int `yaml:"max_len"`
	// MinFreq is the minimum count of a vocabulary token. Default 1.
	MinFreq int `yaml:"min_freq"`
	// MaxVocab caps each vocabulary, counting the 4 specials; 0 means
	// unlimited. Default 0.
	MaxVocab int `yaml:"max_vocab"`
	// Bucket rounds batch shapes up to a multiple of it. Default 4.
	Bucket int `yaml:"bucket"`
}

// ModelConfig is the Transformer's shape. Vocabulary sizes come from the
// data, not from here.
type ModelConfig struct {
	DModel        int     `yaml:"d_model"`        // default 64
	Heads         int     `yaml:"heads"`          // default 4; must divide d_model
	EncoderLayers int     `yaml:"encoder_layers"` // default 2
	DecoderLayers int     `yaml:"decoder_layers"` // default 2
	DFF           int     `yaml:"d_ff"`           // default 256
	Dropout       float64 `yaml:"dropout"`        // default 0.1
	TieEmbeddings bool    `yaml:"tie_embeddings"` // default true
	MaxPositions  int     `yaml:"max_positions"`  // default 256
}

// TrainConfig is the optimisation, evaluation and checkpoint schedule.
type TrainConfig struct {
	BatchSize          int     `yaml:"batch_size"`           // sentences per batch; default 64
	Steps              int     `yaml:"steps"`                // absolute number of optimizer steps; default 3000
	LR                 float64 `yaml:"lr"`                   // peak learning rate; default 0.001
	Warmup             int     `yaml:"warmup"`               // warm-up steps; default 400
	Schedule           string  `yaml:"schedule"`             // one of Schedules; default inverse_sqrt
	LabelSmoothing     float64 `yaml:"label_smoothing"`      // default 0.1
	ClipNorm           float64 `yaml:"clip_norm"`            // 0 disables clipping; default 1.0
	Beta1              float64 `yaml:"beta1"`                // default 0.9
	Beta2              float64 `yaml:"beta2"`                // default 0.98
	Eps                float64 `yaml:"eps"`                  // default 1e-9
	EvalEvery          int     `yaml:"eval_every"`           // default 500
	SaveEvery          int     `yaml:"save_every"`           // default 500
	LogEvery           int     `yaml:"log_every"`            // default 50
	KeepLast           int     `yaml:"keep_last"`            // checkpoints kept besides best; default 3
	ValidBLEUSentences int     `yaml:"valid_bleu_sentences"` // greedy BLEU on the first N valid sentences, 0 = none; default 200
	OnNonfinite        string  `yaml:"on_nonfinite"`         // one of OnNonfiniteChoices; default stop
	Workers            int     `yaml:"workers"`              // data-parallel graph replicas, 1 or 2; default 1
}

// DecodeConfig is beam search. The longest output for a source of n tokens
// is MaxLenA*n + MaxLenB (see MaxOutputLen).
type DecodeConfig struct {
	Beam    int     `yaml:"beam"`      // default 4
	Alpha   float64 `yaml:"alpha"`     // length penalty exponent; default 0.6
	MaxLenA float64 `yaml:"max_len_a"` // default 1.5
	MaxLenB int     `yaml:"max_len_b"` // default 10
}

// Values of train.on_nonfinite: what a NaN or infinite loss or gradient does.
const (
	OnNonfiniteStop = "stop" // stop training with an error
	OnNonfiniteSkip = "skip" // skip the step, keep training
)

// OnNonfiniteChoices lists the valid values of train.on_nonfinite.
var OnNonfiniteChoices = []string{OnNonfiniteStop, OnNonfiniteSkip}

// MaxWorkers is the largest valid train.workers.
const MaxWorkers = 2

// requiredKeys must be present at the top level of a config file.
var requiredKeys = []string{"name", "seed", "data", "model", "train"}

// DefaultConfig returns a config holding every default; Name and Seed are
// left empty because a file must give them.
func DefaultConfig() *Config {
	return &Config{
		Out: "checkpoints",
		Data: DataConfig{
			Dir: "data/toy", Src: "src", Tgt: "tgt", Toy: true,
			ToyTrain: 20000, ToyValid: 1000, ToyTest: 1000,
			MaxLen: 32, MinFreq: 1, MaxVocab: 0, Bucket: 4,
		},
		Model: ModelConfig{
			DModel: 64, Heads: 4, EncoderLayers: 2, DecoderLayers: 2, DFF: 256,
			Dropout: 0.1, TieEmbeddings: true, MaxPositions: 256,
		},
		Train: TrainConfig{
			BatchSize: 64, Steps: 3000, LR: 0.001, Warmup: 400, Schedule: ScheduleInverseSqrt,
			LabelSmoothing: 0.1, ClipNorm: 1.0, Beta1: 0.9, Beta2: 0.98, Eps: 1e-9,
			EvalEvery: 500, SaveEvery: 500, LogEvery: 50, KeepLast: 3,
			ValidBLEUSentences: 200, OnNonfinite: OnNonfiniteStop, Workers: 1,
		},
		Decode: DecodeConfig{Beam: 4, Alpha: 0.6, MaxLenA: 1.5, MaxLenB: 10},
	}
}

// ConfigError is one problem with a config: the file (empty when the config
// did not come from one), the line (0 when unknown), the dotted key path and
// what is wrong.
type ConfigError struct {
	File string
	Line int
	Key  string
	Msg  string
}

// Error formats the problem as "config FILE: line N: KEY: MSG", leaving out
// the parts that are unknown.
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("config")
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ": line %d", e.Line)
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// LoadConfig reads, decodes and validates the config file at path. It does
// not check that data files exist; call ValidateFiles for that.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	return ParseConfig(data, path)
}

// ParseConfig decodes data, the text of the config file called name (used
// in errors only), strictly: malformed YAML, an unknown or duplicate key, a
// value of the wrong type, a missing required key or an invalid value is an
// error naming the file, the line and the key. Absent keys take their
// defaults. The result is validated with Validate but not ValidateFiles.
func ParseConfig(data []byte, name string) (*Config, error) {
	root, err := parseDocument(data, name)
	if err != nil {
		return nil, err
	}
	lines := map[string]int{}
	var errs []error
	checkMapping(root, reflect.TypeFor[Config](), "", name, lines, &errs)
	for _, k := range requiredKeys {
		if _, ok := lines[k]; !ok {
			errs = append(errs, &ConfigError{File: name, Line: root.Line, Key: k, Msg: "required key is missing"})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	cfg := DefaultConfig()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		return nil, &ConfigError{File: name, Msg: err.Error()}
	}
	if err := cfg.validate(name, lines); err != nil {
		return nil, err
	}
	return cfg, nil
}

// parseDocument parses data into the mapping node of its single document.
func parseDocument(data []byte, name string) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ConfigError{File: name, Msg: "file is empty"}
		}
		return nil, &ConfigError{File: name, Msg: "malformed YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &ConfigError{File: name, Line: extra.Line, Msg: "more than one YAML document"}
	}
	root := resolveAlias(&doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = resolveAlias(root.Content[0])
	}
	if root.Kind != yaml.MappingNode {
		return nil, &ConfigError{File: name, Line: root.Line, Msg: "top level must be a mapping of keys"}
	}
	return root, nil
}

// resolveAlias follows YAML aliases (*name) to the node they stand for.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// checkMapping checks mapping node n against struct type t: every key known
// and given once, groups as mappings and leaves of the field's type. It
// records the line of every key path in lines and appends problems to errs.
func checkMapping(n *yaml.Node, t reflect.Type, prefix, file string, lines map[string]int, errs *[]error) {
	fields := yamlFields(t)
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		path := joinKey(prefix, k.Value)
		if first, dup := seen[k.Value]; dup {
			*errs = append(*errs, &ConfigError{File: file, Line: k.Line, Key: path, Msg: fmt.Sprintf("duplicate key (first given on line %d)", first)})
			continue
		}
		seen[k.Value] = k.Line
		f, ok := fields[k.Value]
		if !ok {
			*errs = append(*errs, &ConfigError{File: file, Line: k.Line, Key: path, Msg: "unknown key" + validKeysHint(t, prefix)})
			continue
		}
		lines[path] = k.Line
		if f.Type.Kind() != reflect.Struct {
			if msg := checkLeaf(v, f.Type); msg != "" {
				*errs = append(*errs, &ConfigError{File: file, Line: v.Line, Key: path, Msg: msg})
			}
			continue
		}
		switch {
		case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null":
			// An empty group keeps every default.
		case v.Kind != yaml.MappingNode:
			*errs = append(*errs, &ConfigError{File: file, Line: v.Line, Key: path, Msg: "must be a mapping of keys" + validKeysHint(f.Type, path)})
		default:
			checkMapping(v, f.Type, path, file, lines, errs)
		}
	}
}

// checkLeaf returns why node v cannot be a value of type t, or "".
func checkLeaf(v *yaml.Node, t reflect.Type) string {
	if v.Kind != yaml.ScalarNode {
		return "must be a single value, not a list or mapping"
	}
	tag := v.ShortTag()
	if tag == "!!null" {
		return "value is empty"
	}
	var want string
	ok := true
	switch t.Kind() {
	case reflect.Bool:
		want, ok = "true or false", tag == "!!bool"
	case reflect.Int:
		want, ok = "an integer", tag == "!!int"
	case reflect.Uint64:
		want, ok = "a non-negative integer", tag == "!!int"
	case reflect.Float64:
		want, ok = "a number", tag == "!!int" || tag == "!!float"
	case reflect.String:
		want = "a string"
	}
	if !ok {
		return fmt.Sprintf("%q is not %s", v.Value, want)
	}
	if err := v.Decode(reflect.New(t).Interface()); err != nil {
		return fmt.Sprintf("%q is not %s (out of range)", v.Value, want)
	}
	return ""
}

// yamlFields maps the YAML key of each field of struct type t to the field.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for _, f := range reflect.VisibleFields(t) {
		if key := yamlKey(f); key != "" {
			out[key] = f
		}
	}
	return out
}

// yamlKeys lists the YAML keys of struct type t in field order.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for _, f := range reflect.VisibleFields(t) {
		if key := yamlKey(f); key != "" {
			keys = append(keys, key)
		}
	}
	return keys
}

// yamlKey returns the YAML key of f, or "" when f is not decoded.
func yamlKey(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if key == "-" {
		return ""
	}
	return key
}

// validKeysHint lists the keys valid in group (the top level when group is
// empty) of struct type t.
func validKeysHint(t reflect.Type, group string) string {
	where := "at the top level"
	if group != "" {
		where = "in " + group
	}
	return fmt.Sprintf(" (valid keys %s: %s)", where, strings.Join(yamlKeys(t), ", "))
}

// joinKey joins a group path and a key with a dot.
func joinKey(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// Set overrides the value at a dotted key such as "train.steps" with value,
// parsed as a YAML scalar with the same type checks as a config file. It does
// not re-validate the config: call Validate after the last override.
func (c *Config) Set(key, value string) error {
	field, err := fieldByKey(reflect.ValueOf(c).Elem(), key)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(value), &doc); err != nil {
		return &ConfigError{Key: key, Msg: fmt.Sprintf("cannot parse %q: %v", value, err)}
	}
	v := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	if len(doc.Content) == 1 {
		v = doc.Content[0]
	}
	if msg := checkLeaf(v, field.Type()); msg != "" {
		return &ConfigError{Key: key, Msg: msg}
	}
	if err := v.Decode(field.Addr().Interface()); err != nil {
		return &ConfigError{Key: key, Msg: err.Error()}
	}
	return nil
}

// Override applies an assignment "key=value" with Set.
func (c *Config) Override(assignment string) error {
	key, value, ok := strings.Cut(assignment, "=")
	if !ok {
		return fmt.Errorf("config override %q: want key=value, e.g. train.steps=100", assignment)
	}
	return c.Set(strings.TrimSpace(key), strings.TrimSpace(value))
}

// fieldByKey finds the leaf field of the struct value v at a dotted key.
func fieldByKey(v reflect.Value, key string) (reflect.Value, error) {
	var path string
	for _, part := range strings.Split(key, ".") {
		if v.Kind() != reflect.Struct {
			return reflect.Value{}, &ConfigError{Key: key, Msg: fmt.Sprintf("%s is a single value, not a group", path)}
		}
		f, ok := yamlFields(v.Type())[part]
		if !ok {
			return reflect.Value{}, &ConfigError{Key: key, Msg: "unknown key" + validKeysHint(v.Type(), path)}
		}
		v, path = v.FieldByIndex(f.Index), joinKey(path, part)
	}
	if v.Kind() == reflect.Struct {
		return reflect.Value{}, &ConfigError{Key: key, Msg: "is a group; set one of its keys" + validKeysHint(v.Type(), path)}
	}
	return v, nil
}

// Marshal returns the resolved config as YAML, every key present with its
// value or default, for saving beside a run. ParseConfig of the result gives
// the same config back.
func (c *Config) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("marshal config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("marshal config: %w", err)
	}
	return buf.Bytes(), nil
}

// RunDir returns <out>/<name>, the directory of the run's outputs.
func (c *Config) RunDir() string { return filepath.Join(c.Out, c.Name) }

// Splits lists the corpus splits, in the order DataConfig.Files uses.
var Splits = []string{"train", "valid", "test"}

// Path returns the file of split ("train", "valid" or "test") on the side
// whose extension is ext (d.Src or d.Tgt): {dir}/{split}.{ext}.
func (d DataConfig) Path(split, ext string) string {
	return filepath.Join(d.Dir, split+"."+ext)
}

// Files returns the six corpus files: train, valid and test, each source
// then target.
func (d DataConfig) Files() []string {
	var files []string
	for _, split := range Splits {
		files = append(files, d.Path(split, d.Src), d.Path(split, d.Tgt))
	}
	return files
}

// MaxOutputLen returns the longest output allowed for a source of srcLen
// tokens: floor(MaxLenA*srcLen) + MaxLenB, at least 1.
func (d DecodeConfig) MaxOutputLen(srcLen int) int {
	return max(int(math.Floor(d.MaxLenA*float64(srcLen)))+d.MaxLenB, 1)
}

// Validate checks every value of c without touching the file system. It
// returns all problems joined, each a *ConfigError naming the key.
func (c *Config) Validate() error { return c.validate("", nil) }

// ValidateFiles checks that the six corpus files exist when data.toy is
// false (with toy data they are generated when absent). The error names each
// missing file.
func (c *Config) ValidateFiles() error {
	if c.Data.Toy {
		return nil
	}
	var errs []error
	for _, path := range c.Data.Files() {
		info, err := os.Stat(path)
		switch {
		case err != nil:
			errs = append(errs, &ConfigError{Key: "data.dir", Msg: fmt.Sprintf("data file %s: %v (data.toy is false, so the corpus must exist)", path, unwrapPathError(err))})
		case !info.Mode().IsRegular():
			errs = append(errs, &ConfigError{Key: "data.dir", Msg: fmt.Sprintf("data file %s is not a regular file", path)})
		}
	}
	return errors.Join(errs...)
}

// unwrapPathError drops the path an *os.PathError repeats.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

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
		need = max(need, (maxLen+1+bucket-1)/bucket*bucket) // target graphs are rounded up to the bucket
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
	if t.Workers < 1 || t.Workers > MaxWorkers {
		v.fail("train.workers", "%d must be 1 or %d", t.Workers, MaxWorkers)
	}
}

// validate checks the decode group.
func (d DecodeConfig) validate(v *validator) {
	v.positive("decode.beam", d.Beam)
	v.finiteAtLeast("decode.alpha", d.Alpha, 0, false)
	v.finiteAtLeast("decode.max_len_a", d.MaxLenA, 0, false)
	v.nonNegative("decode.max_len_b", d.MaxLenB)
	if d.MaxLenA == 0 && d.MaxLenB == 0 {
		v.fail("decode.max_len_b", "decode.max_len_a and decode.max_len_b cannot both be 0")
	}
}
