package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/seq2seq/transformer/align"
	"github.com/seq2seq/transformer/train"
	"github.com/seq2seq/transformer/train/heatmap"
)

// checkOverlay rejects conflicting overlay flags of attention.
func checkOverlay(opt attentionOptions) error {
	switch {
	case opt.gold != "" && opt.links != "":
		return errors.New("attention: --gold and --links exclude each other")
	case opt.self && (opt.gold != "" || opt.links != "" || opt.target != ""):
		return errors.New("attention: --gold, --links and --target go with the cross-attention, not --self")
	}
	return nil
}

// goldLinks returns the gold links of attention's flags: the single
// Pharaoh line of --gold FILE, or --links; nil when neither is given.
func goldLinks(opt attentionOptions) ([]align.Link, bool, error) {
	text := opt.links
	switch {
	case opt.gold != "":
		b, err := os.ReadFile(opt.gold)
		if err != nil {
			return nil, false, fmt.Errorf("--gold: %w", err)
		}
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		if len(lines) != 1 {
			return nil, false, fmt.Errorf("--gold %s: %d lines, want the one line of --text's alignment", opt.gold, len(lines))
		}
		text = lines[0]
	case opt.links == "":
		return nil, false, nil
	}
	links, err := align.ParseLine(text)
	if err != nil {
		return nil, false, fmt.Errorf("--gold/--links %q: %w", text, err)
	}
	return links, true, nil
}

// addOverlay marks on cross-attention map m (rows: the target words, then
// EOS; columns: the source words) the gold links of --gold or --links,
// checked against the sentence, and the map's own argmax link of each
// target word.
func addOverlay(m *heatmap.Map, opt attentionOptions) error {
	gold, ok, err := goldLinks(opt)
	if err != nil || !ok {
		return err
	}
	words := len(m.Rows) - 1 // the last row is EOS
	for _, l := range gold {
		if l.Src >= len(m.Cols) || l.Tgt >= words {
			return fmt.Errorf("gold link %s outside the %d source and %d target words (the target is the translation, or --target)", l, len(m.Cols), words)
		}
		m.Gold = append(m.Gold, heatmap.Cell{Row: l.Tgt, Col: l.Src})
	}
	for _, l := range align.Argmax(m.Values[:words]) {
		m.Predicted = append(m.Predicted, heatmap.Cell{Row: l.Tgt, Col: l.Src})
	}
	return nil
}

// forcedAttention returns the attention of the model forced through src
// and the given target words (--target) instead of its translation.
func forcedAttention(l *train.Loaded, src []string, target string) ([]string, *train.Attention, error) {
	out := strings.Fields(strings.ToValidUTF8(target, "\uFFFD"))
	if len(out) == 0 {
		return nil, nil, errors.New("--target holds no tokens")
	}
	att, err := l.Translator().Attention(l.Src.Encode(src), l.Tgt.Encode(out))
	if err != nil {
		return nil, nil, err
	}
	return out, att, nil
}
