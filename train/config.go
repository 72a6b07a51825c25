package train

import (
	"math"

	"github.com/seq2seq/transformer/data/tokenize"
	"github.com/seq2seq/transformer/train/optim"
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
	// Raw makes the toy generator write the raw variant of its corpus
	// (cased, punctuation attached, names and years; data.GenerateToyRaw),
	// for the tokenizers that read raw text. Needs Toy. Default false.
	Raw bool `yaml:"raw"`
	// Tokenizer cuts each line into tokens: words (whitespace, the text is
	// taken as already tokenized), chars, bpe (learned from the training
	// split) or sentencepiece (a .model file of spm_train). See
	// data/tokenize. Default words.
	Tokenizer string `yaml:"tokenizer"`
	// VocabSize is the number of pieces bpe learns (alphabet plus merges;
	// the 256 byte-fallback pieces come on top). Used only by bpe.
	// Default 8000.
	VocabSize int `yaml:"vocab_size"`
	// JointVocab learns one bpe tokenizer from both sides of the training
	// split, so that names and numbers are cut the same way on both
	// sides; false learns one per side, each of VocabSize. Used only by
	// bpe. Default true.
	JointVocab bool `yaml:"joint_vocab"`
	// SPMModel is the sentencepiece .model file (spm_train
	// --model_type=bpe) of both sides, or of the source side when
	// SPMTgtModel is set. Used only by sentencepiece.
	SPMModel string `yaml:"spm_model"`
	// SPMTgtModel is the target side's .model file; empty means SPMModel.
	SPMTgtModel string `yaml:"spm_tgt_model"`
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
	Workers            int     `yaml:"workers"`              // data-parallel graph replicas, 1 to batch_size; default 1
	// Patience ends the run after this many evaluations in a row without
	// improvement of EarlyStoppingMetric; 0 turns early stopping off.
	// Default 0.
	Patience int `yaml:"patience"`
	// EarlyStoppingMetric is the validation score that early stopping and
	// the best checkpoint follow: bleu (higher is better) or loss (lower is
	// better). Default bleu.
	EarlyStoppingMetric string `yaml:"early_stopping_metric"`
	// InitFrom names a checkpoint (step or run directory, e.g. one written
	// by `train import`) whose weights and vocabularies a fresh run starts
	// from; step, optimizer, data order and dropout start fresh from the
	// seed (init_from.go). Default "" (random initialisation), which
	// Marshal leaves out so that configs saved before the key existed
	// (and files exported from them) stay byte for byte the same.
	InitFrom string `yaml:"init_from,omitempty"`
	// GuidedAlignment trains one cross-attention head towards the gold
	// alignments (config_guided.go). Default off.
	GuidedAlignment GuidedAlignmentConfig `yaml:"guided_alignment"`
}

// DecodeConfig is beam search. The longest output for a source of n tokens
// is MaxLenA*n + MaxLenB (see MaxOutputLen).
type DecodeConfig struct {
	Beam int `yaml:"beam"` // default 4
	// LengthPenalty ranks beam search's finished hypotheses: gnmt
	// (score / ((5+len)/6)^alpha), fairseq (score / len^alpha) or none
	// (LengthPenalties), len counting EOS. Default fairseq with alpha 1,
	// fairseq's own default (README "Decoding": as good as 1.25 on
	// validation of three models, and safe on a real corpus where 1.25
	// ran long).
	LengthPenalty string  `yaml:"length_penalty"`
	Alpha         float64 `yaml:"alpha"`     // length penalty exponent; default 1
	MaxLenA       float64 `yaml:"max_len_a"` // default 1.5
	MaxLenB       int     `yaml:"max_len_b"` // default 10
}

// Learning-rate schedule names accepted by train.schedule (see
// optim.LearningRate).
const (
	ScheduleInverseSqrt = optim.ScheduleInverseSqrt
	ScheduleConstant    = optim.ScheduleConstant
)

// Schedules lists the valid values of train.schedule.
var Schedules = optim.Schedules

// Values of train.early_stopping_metric.
const (
	MetricBLEU = "bleu" // validation greedy BLEU, higher is better
	MetricLoss = "loss" // validation loss, lower is better
)

// EarlyStoppingMetrics lists the valid values of train.early_stopping_metric.
var EarlyStoppingMetrics = []string{MetricBLEU, MetricLoss}

// Values of train.on_nonfinite: what a NaN or infinite loss or gradient does.
const (
	OnNonfiniteStop = "stop" // stop training with an error
	OnNonfiniteSkip = "skip" // skip the step, keep training
)

// OnNonfiniteChoices lists the valid values of train.on_nonfinite.
var OnNonfiniteChoices = []string{OnNonfiniteStop, OnNonfiniteSkip}

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
			Tokenizer: string(tokenize.KindWords), VocabSize: 8000, JointVocab: true,
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
			EarlyStoppingMetric: MetricBLEU,
			GuidedAlignment:     GuidedAlignmentConfig{Layer: -1},
		},
		Decode: DecodeConfig{Beam: 4, LengthPenalty: PenaltyFairseq, Alpha: 1, MaxLenA: 1.5, MaxLenB: 10},
	}
}

// MaxOutputLen returns the longest output allowed for a source of srcLen
// tokens: floor(MaxLenA*srcLen) + MaxLenB, at least 1.
func (d DecodeConfig) MaxOutputLen(srcLen int) int {
	return max(int(math.Floor(d.MaxLenA*float64(srcLen)))+d.MaxLenB, 1)
}
