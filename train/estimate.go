package train

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// DefaultMemoryLimit is the memory a config may need when the machine's
// cannot be read from /proc/meminfo (not Linux): 64 GiB.
const DefaultMemoryLimit = 64 << 30

// memoryTerm is one part of a memory estimate, with the config key that
// scales it most.
type memoryTerm struct {
	key   string  // YAML key to lower
	value int     // the key's current value
	bytes float64 // estimated bytes
}

// estimateMemory roughly estimates the bytes a training run of cfg with
// vocabularies of srcVocab and tgtVocab types needs: float32 parameters
// with their gradients and two Adam moments (4 copies), the positional
// table, and the activations of one batch kept for the backward pass
// (about ten tensors of batch x length x width per layer, the attention
// weights, and three of batch x length x target vocabulary for the
// logits). It is an order of magnitude, meant to catch sizes that cannot
// fit, not to predict peak memory.
func estimateMemory(cfg *Config, srcVocab, tgtVocab int) []memoryTerm {
	m, d := cfg.Model, float64(cfg.Model.DModel)
	enc, dec := float64(m.EncoderLayers), float64(m.DecoderLayers)
	ff := float64(m.DFF)
	outProj := 0.0
	if !m.TieEmbeddings {
		outProj = float64(tgtVocab) * d
	}
	const f32, copies = 4, 4
	b := float64(cfg.Train.BatchSize)
	l := float64(cfg.Data.MaxLen + 2)
	layers := enc + 2*dec
	return []memoryTerm{
		{"model.d_model", m.DModel, copies * f32 * (enc*4 + dec*8) * d * d},
		{"model.d_ff", m.DFF, copies*f32*(enc+dec)*2*d*ff + f32*b*l*layers*2*ff}, // weights, activations
		{"data.max_vocab", cfg.Data.MaxVocab, copies * f32 * (float64(srcVocab+tgtVocab)*d + outProj)},
		{"model.max_positions", m.MaxPositions, f32 * float64(m.MaxPositions) * d},
		{"train.batch_size", cfg.Train.BatchSize, f32 * b * l * (layers*(10*d+3*float64(m.Heads)*l) + 3*float64(tgtVocab))},
	}
}

// checkMemory refuses a config whose estimated memory exceeds the
// machine's (MemTotal of /proc/meminfo, else DefaultMemoryLimit), naming
// the key with the largest share, before anything is allocated.
func checkMemory(cfg *Config, srcVocab, tgtVocab int) error {
	terms := estimateMemory(cfg, srcVocab, tgtVocab)
	total, top := 0.0, terms[0]
	for _, t := range terms {
		total += t.bytes
		if t.bytes > top.bytes {
			top = t
		}
	}
	limit, source := memoryLimit()
	if total <= float64(limit) {
		return nil
	}
	what := fmt.Sprintf("%s (%d)", top.key, top.value)
	if top.key == "data.max_vocab" {
		what = fmt.Sprintf("the vocabularies (%d source, %d target types; data.max_vocab caps them)", srcVocab, tgtVocab)
	}
	return fmt.Errorf("the config needs about %s of memory, more than the %s %s: %s accounts for %s; lower it",
		gib(total), gib(float64(limit)), source, what, gib(top.bytes))
}

// memoryLimit returns the machine's memory and where the figure comes from.
func memoryLimit() (int64, string) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return DefaultMemoryLimit, "default limit (no /proc/meminfo)"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			if kb, err := strconv.ParseInt(fields[1], 10, 64); err == nil && kb > 0 {
				return kb << 10, "of this machine (MemTotal)"
			}
		}
	}
	return DefaultMemoryLimit, "default limit (no MemTotal in /proc/meminfo)"
}

// gib formats bytes in GiB.
func gib(b float64) string { return fmt.Sprintf("%.1f GiB", b/(1<<30)) }
