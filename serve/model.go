package serve

import (
	"fmt"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/infer"
)

// ModelBackend is the Backend of a trained checkpoint. Decoding runs
// concurrently; attention graphs are built one at a time.
type ModelBackend struct {
	l      *train.Loaded
	tok    train.Tokenizers // l.Tok; words for a Loaded without tokenizers
	tr     *train.Translator
	info   ModelInfo
	attnMu sync.Mutex
	// alignLayer and alignHead choose the cross-attention that word
	// alignments are taken from, as train align by default: the guided
	// layer and head of a model trained with train.guided_alignment, else
	// -1, -1, the last layer's heads averaged.
	alignLayer, alignHead int
}

// NewModelBackend serves the loaded model; weightsSHA256 identifies its
// weights in GET /v1/model.
func NewModelBackend(l *train.Loaded, weightsSHA256 string) (*ModelBackend, error) {
	tok := l.Tok
	if tok.Src == nil || tok.Tgt == nil {
		tok = train.WordTokenizers()
	}
	cfg, err := configMap(l.Config)
	if err != nil {
		return nil, fmt.Errorf("serve %s: %w", l.Path, err)
	}
	info := ModelInfo{
		Checkpoint: l.Path, Step: l.Step, WeightsSHA256: weightsSHA256, Tokenizer: string(tok.Kind()),
		SrcVocab: l.Src.Size(), TgtVocab: l.Tgt.Size(), DefaultBeam: max(l.Config.Decode.Beam, 1), Config: cfg,
	}
	m := &ModelBackend{l: l, tok: tok, tr: l.Translator(), info: info, alignLayer: -1, alignHead: -1}
	if g := l.Config.Train.GuidedAlignment; g.On() {
		// The head trained towards the gold alignments, as train align
		// reads by default.
		m.alignLayer, m.alignHead = g.LayerIndex(l.Config.Model.DecoderLayers), g.Head
	}
	return m, nil
}

// configMap turns the config into a JSON-ready map keyed as in its YAML.
func configMap(cfg *train.Config) (map[string]any, error) {
	b, err := yaml.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode config: %w", err)
	}
	return m, nil
}

// Info describes the model.
func (m *ModelBackend) Info() ModelInfo { return m.info }

// Tokenize cuts text into the source tokens the model reads, as train
// translate does: its whitespace-separated words for the words tokenizer,
// else the pieces of the checkpoint's source tokenizer (<unk> for a text
// whose characters the normalisation all removes). Blank text has none.
func (m *ModelBackend) Tokenize(text string) []string {
	fields := strings.Fields(text)
	if m.tok.Words() || len(fields) == 0 {
		return fields
	}
	if toks := m.tok.EncodeSource(strings.Join(fields, " ")); len(toks) > 0 {
		return toks
	}
	return []string{data.Unk}
}

// Translate decodes srcs, each cut to the model's max_positions, in one
// call of the translator with beam width k (1 = greedy) and the
// checkpoint's length penalty. Finished sentences leave the decoder's
// batch, so sentences of mixed lengths cost no padding, and each sentence's
// output is the one train translate gives, whatever it is batched with.
// want.Attention adds each pair's attention (between tokens: subword
// pieces for a subword tokenizer), want.Alignment its word alignment (see
// argmaxLinks; with a subword tokenizer the pieces are merged into
// words first, see pieceWords, and the Result's SourceWords and
// TargetWords are the words its links index).
func (m *ModelBackend) Translate(srcs [][]string, k int, want Want) ([]Result, error) {
	maxLen := m.l.Model.Cfg.MaxPositions
	ids := make([][]int, len(srcs))
	for i, src := range srcs {
		srcs[i] = src[:min(len(src), maxLen)]
		ids[i] = m.l.Src.Encode(srcs[i])
	}
	outs, err := m.decode(ids, k)
	if err != nil {
		return nil, err
	}
	scores, err := m.score(ids, outs)
	if err != nil {
		return nil, err
	}
	res := make([]Result, len(srcs))
	for i := range srcs {
		tgt := m.l.Tgt.Decode(outs[i])
		res[i] = Result{Source: srcs[i], Target: tgt, Text: m.tok.Detokenize(tgt), Score: scores[i]}
		if want.Attention || want.Alignment {
			if err := m.attend(&res[i], ids[i], outs[i], want); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

// attend adds to r the attention and/or word alignment of its pair.
func (m *ModelBackend) attend(r *Result, src, out []int, want Want) error {
	a, err := m.attention(src, out)
	if err != nil {
		return err
	}
	if want.Attention {
		r.Attn = a
	}
	if !want.Alignment {
		return nil
	}
	words, err := m.crossWords(a.Cross, r.Source, r.Target)
	if err != nil {
		return fmt.Errorf("alignment: %w", err)
	}
	if !m.tok.Words() {
		r.SourceWords, r.TargetWords = align.WordTexts(r.Source, m.tok.Src.Decode), align.WordTexts(r.Target, m.tok.Tgt.Decode)
	}
	r.Alignment, err = argmaxLinks(words, m.alignLayer, m.alignHead)
	return err
}

// decode runs greedy search for k <= 1, else beam search.
func (m *ModelBackend) decode(srcs [][]int, k int) ([][]int, error) {
	if k <= 1 {
		return m.tr.Greedy(srcs)
	}
	return m.tr.Beam(srcs, k, m.l.Config.Decode.Penalty())
}

// score returns the log-probability of each output followed by EOS given
// its source, teacher-forced through the incremental decoder.
func (m *ModelBackend) score(srcs, outs [][]int) ([]float64, error) {
	dec, err := infer.Start(m.l.Model, m.l.Params, srcs)
	if err != nil {
		return nil, fmt.Errorf("score: %w", err)
	}
	v := m.l.Model.Cfg.TgtVocab
	scores := make([]float64, len(srcs))
	tokens := make([]int, len(srcs))
	for i := range tokens {
		tokens[i] = data.BOSID
	}
	for pos := 0; len(tokens) > 0; pos++ {
		lp, err := dec.LogProbs(tokens)
		if err != nil {
			return nil, fmt.Errorf("score: %w", err)
		}
		var parents, next []int
		for r := range tokens {
			out := outs[dec.Sentence(r)]
			y := data.EOSID
			if pos < len(out) {
				y = out[pos]
				parents, next = append(parents, r), append(next, y)
			}
			scores[dec.Sentence(r)] += lp[r*v+y]
		}
		if len(parents) < len(tokens) {
			dec.Reorder(parents)
		}
		tokens = next
	}
	return scores, nil
}

// attention returns the attention of one sentence pair.
func (m *ModelBackend) attention(src, out []int) (*Attention, error) {
	m.attnMu.Lock()
	defer m.attnMu.Unlock()
	a, err := m.tr.Attention(src, out)
	if err != nil {
		return nil, err
	}
	return &Attention{Cross: a.Cross, DecoderSelf: a.DecoderSelf, EncoderSelf: a.EncoderSelf}, nil
}
