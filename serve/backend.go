package serve

// Backend tokenizes and translates. Translate may be called from several
// goroutines at once.
type Backend interface {
	// Tokenize splits a cleaned text into source tokens.
	Tokenize(text string) []string
	// Translate decodes a batch of non-empty source token lists with beam
	// width k (1 = greedy); want says what else each Result carries.
	Translate(srcs [][]string, k int, want Want) ([]Result, error)
	// Info describes the model for GET /v1/model.
	Info() ModelInfo
}

// Want says what a translation returns beside its words.
type Want struct {
	Attention bool // Result.Attn
	Alignment bool // Result.Alignment, for backends that align
}

// Result is one sentence's translation.
type Result struct {
	Source []string // the source tokens as the model read them (cut to its length limit)
	Target []string // the output tokens, without BOS or EOS
	// Text is the translation as text (the target tokenizer's
	// detokenization of Target); "" means Target joined by spaces.
	Text  string
	Score float64    // the sum of the output's log-probabilities, EOS included
	Attn  *Attention // nil unless asked for
	// Alignment holds the [source, target] index pairs of a word
	// alignment (indices into Source and Target, or into SourceWords and
	// TargetWords when those are set), sorted by source then target, for
	// backends that give one; nil otherwise.
	Alignment [][2]int
	// SourceWords and TargetWords are the words of a subword model's
	// Source and Target pieces (a piece starting with ▁ starts a word),
	// detokenized; nil for whitespace-separated tokens, which are words.
	SourceWords, TargetWords []string
}

// Attention is one sentence's attention, indexed [layer][head][query][key].
// Target positions are the decoder inputs BOS + output: row t predicts
// output token t and the last row predicts EOS.
type Attention struct {
	Cross       [][][][]float64 `json:"cross"`                  // (len(Target)+1) × len(Source)
	DecoderSelf [][][][]float64 `json:"decoder_self,omitempty"` // (len(Target)+1) × (len(Target)+1)
	EncoderSelf [][][][]float64 `json:"encoder_self,omitempty"` // len(Source) × len(Source)
}

// ModelInfo is the body of GET /v1/model.
type ModelInfo struct {
	Checkpoint    string         `json:"checkpoint"`
	Step          int            `json:"step"`
	WeightsSHA256 string         `json:"weights_sha256"`
	Tokenizer     string         `json:"tokenizer"` // data.tokenizer: words (whitespace-separated tokens), chars, bpe or sentencepiece
	SrcVocab      int            `json:"src_vocab"`
	TgtVocab      int            `json:"tgt_vocab"`
	DefaultBeam   int            `json:"default_beam"`
	Config        map[string]any `json:"config"`
}
