package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	G "gorgonia.org/gorgonia"

	"github.com/seq2seq/transformer/data"
	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/layers"
	"github.com/seq2seq/transformer/train"
)

// benchOptions is the parsed command line of bench.
type benchOptions struct {
	config, checkpoint       string
	steps, warmup, sentences int
}

// benchResult is the JSON line bench prints.
type benchResult struct {
	TgtTokensPerS     float64 `json:"tgt_tokens_per_s"`
	SrcTokensPerS     float64 `json:"src_tokens_per_s"`
	StepMS            float64 `json:"step_ms"`
	PeakRSSMB         float64 `json:"peak_rss_mb"`
	Threads           int     `json:"threads"`
	BLAS              string  `json:"blas"`
	TranslateGreedy   float64 `json:"translate_sents_per_s_greedy"`
	TranslateBeam4    float64 `json:"translate_sents_per_s_beam4"`
	Steps             int     `json:"steps"`
	Warmup            int     `json:"warmup"`
	BatchSize         int     `json:"batch_size"`
	TranslateSents    int     `json:"translate_sents"`
	GraphBuildSeconds float64 `json:"graph_build_s"`
}

// benchCmd measures training and translation speed:
//
//	train bench --config FILE [--steps N] [--warmup N] [--checkpoint PATH] [--sentences N]
//
// It prepares the data and the model as training does (or loads the
// checkpoint's weights), runs the warm-up steps, times N more optimizer
// steps and then greedy and beam-4 translation of the first --sentences
// (default 200) test sentences, and prints one JSON line. Step times exclude building a graph for a new
// batch shape (reported separately as graph_build_s); translation times
// include it, as a translate run pays it. Nothing is written to disk.
func benchCmd(args []string, stdout, stderr io.Writer) error {
	opt, help, err := parseBench(args, stderr)
	if help || err != nil {
		return err
	}
	b, err := newBench(opt, stderr)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer b.close()
	res, err := b.run(opt)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	line, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "%s\n", line)
	return err
}

// parseBench parses and checks bench's flags.
func parseBench(args []string, stderr io.Writer) (opt benchOptions, help bool, err error) {
	fs := newFlags("bench", stderr)
	fs.StringVar(&opt.config, "config", "", "YAML config file (required)")
	fs.StringVar(&opt.checkpoint, "checkpoint", "", "start from this checkpoint's weights and vocabularies (default: a fresh model)")
	fs.IntVar(&opt.steps, "steps", 20, "timed training steps")
	fs.IntVar(&opt.warmup, "warmup", 3, "untimed training steps first")
	fs.IntVar(&opt.sentences, "sentences", 200, "test sentences to time translation on (at most)")
	if help, err = parseLoud(fs, args); help || err != nil {
		return opt, help, err
	}
	switch {
	case opt.config == "":
		err = errors.New("bench: --config is required")
	case opt.steps < 1:
		err = fmt.Errorf("bench: --steps %d must be positive", opt.steps)
	case opt.warmup < 0:
		err = fmt.Errorf("bench: --warmup %d must not be negative", opt.warmup)
	case opt.sentences < 1:
		err = fmt.Errorf("bench: --sentences %d must be positive", opt.sentences)
	}
	return opt, false, err
}

// bench is the state of a benchmark: the run's data, model, optimizer and
// training graphs.
type bench struct {
	cfg     *train.Config
	corpus  *train.Corpus
	model   *layers.Transformer
	params  *graph.Params
	iter    *data.Iterator
	adam    *train.Adam
	dropRNG *graph.RNG
	graphs  map[[3]int]*benchGraph
	build   time.Duration
	log     io.Writer
}

// newBench loads the config, the data and the model: the checkpoint's when
// given, else one initialised from the config's seed as training does.
func newBench(opt benchOptions, log io.Writer) (*bench, error) {
	cfg, err := train.LoadConfig(opt.config)
	if err != nil {
		return nil, err
	}
	if err := ensureData(cfg, log); err != nil {
		return nil, err
	}
	b := &bench{cfg: cfg, graphs: map[[3]int]*benchGraph{}, log: log}
	var srcV, tgtV *data.Vocab
	var l *train.Loaded
	if opt.checkpoint != "" {
		if l, err = loadModel(opt.checkpoint); err != nil {
			return nil, err
		}
		srcV, tgtV = l.Src, l.Tgt
	}
	if b.corpus, err = train.LoadCorpus(cfg, srcV, tgtV, io.Discard); err != nil {
		return nil, err
	}
	if len(b.corpus.Train) == 0 {
		return nil, fmt.Errorf("no training pairs within data.max_len %d in %s", cfg.Data.MaxLen, cfg.Data.Dir)
	}
	master := graph.NewRNG(cfg.Seed)
	if err := b.initModel(l, master.Split()); err != nil {
		return nil, err
	}
	b.dropRNG = master.Split()
	b.iter = data.NewIterator(b.corpus.Train, cfg.Train.BatchSize, cfg.Data.Bucket, master.Uint64())
	b.adam = train.NewAdam(cfg.Train.Beta1, cfg.Train.Beta2, cfg.Train.Eps)
	fmt.Fprintf(log, "bench: model of %d parameters, %d training pairs, batch size %d\n", b.params.Count(), len(b.corpus.Train), cfg.Train.BatchSize)
	return b, nil
}

// initModel takes the loaded model, or without one builds the model the
// config describes initialised from rng (the RNG training uses).
func (b *bench) initModel(l *train.Loaded, rng *graph.RNG) error {
	if l != nil {
		b.model, b.params = l.Model, l.Params
		return nil
	}
	var err error
	b.model, b.params, err = train.BuildModel(b.cfg.ModelConfig(b.corpus.Src.Size(), b.corpus.Tgt.Size()), rng)
	return err
}

// close releases the training graphs' machines.
func (b *bench) close() {
	for _, g := range b.graphs {
		g.vm.Close()
	}
}

// run does the warm-up and timed steps, then the translation timings.
func (b *bench) run(opt benchOptions) (benchResult, error) {
	res := benchResult{Threads: runtime.GOMAXPROCS(0), BLAS: "gonum", Steps: opt.steps, Warmup: opt.warmup, BatchSize: b.cfg.Train.BatchSize}
	for step := 1; step <= opt.warmup; step++ {
		if _, err := b.step(step); err != nil {
			return res, err
		}
	}
	b.build = 0
	var src, tgt int
	var total time.Duration
	times := make([]float64, 0, opt.steps)
	for i := 1; i <= opt.steps; i++ {
		st, err := b.step(opt.warmup + i)
		if err != nil {
			return res, err
		}
		src, tgt, total = src+st.src, tgt+st.tgt, total+st.elapsed
		times = append(times, float64(st.elapsed)/float64(time.Millisecond))
	}
	res.GraphBuildSeconds = roundTo(b.build.Seconds(), 3)
	res.SrcTokensPerS = roundTo(float64(src)/total.Seconds(), 1)
	res.TgtTokensPerS = roundTo(float64(tgt)/total.Seconds(), 1)
	res.StepMS = roundTo(median(times), 3)
	fmt.Fprintf(b.log, "bench: %d steps in %.2fs, median %.1f ms\n", opt.steps, total.Seconds(), res.StepMS)
	var err error
	if res.TranslateGreedy, res.TranslateSents, err = b.translateSpeed(1, opt.sentences); err != nil {
		return res, err
	}
	if res.TranslateBeam4, _, err = b.translateSpeed(4, opt.sentences); err != nil {
		return res, err
	}
	res.PeakRSSMB = peakRSSMB()
	return res, nil
}

// stepStats is what one timed training step measured.
type stepStats struct {
	src, tgt int
	elapsed  time.Duration
}

// step runs optimizer step n (1-based, for the learning rate) on the next
// batch as training does: dropout, forward, backward, clipping, Adam. The
// time excludes building a graph for a new batch shape.
func (b *bench) step(n int) (stepStats, error) {
	batch := b.iter.Next()
	g, err := b.graph(batch)
	if err != nil {
		return stepStats{}, err
	}
	start := time.Now()
	if err := g.b.FillDropout(b.dropRNG); err != nil {
		return stepStats{}, err
	}
	ps, err := g.run(batch)
	if err != nil {
		return stepStats{}, fmt.Errorf("step %d: %w", n, err)
	}
	tc := b.cfg.Train
	if tc.ClipNorm > 0 {
		train.ClipGradNorm(ps, tc.ClipNorm)
	}
	if err := b.adam.Update(ps, train.LearningRate(n, tc.LR, tc.Warmup, tc.Schedule)); err != nil {
		return stepStats{}, fmt.Errorf("step %d: %w", n, err)
	}
	return stepStats{src: batch.SrcTokens, tgt: batch.TgtTokens, elapsed: time.Since(start)}, nil
}

// graph returns the training graph of the batch's shape, building it (and
// counting the time) on first use.
func (b *bench) graph(batch data.Batch) (*benchGraph, error) {
	key := [3]int{batch.B, batch.S, batch.T}
	if g, ok := b.graphs[key]; ok {
		return g, nil
	}
	start := time.Now()
	g, err := newBenchGraph(b.model, b.params, batch, b.cfg.Train.LabelSmoothing)
	if err != nil {
		return nil, err
	}
	b.build += time.Since(start)
	b.graphs[key] = g
	return g, nil
}

// translateSpeed decodes the first n test sentences (or all there are) with
// beam width k (1 = greedy) on a fresh translator and returns sentences per
// second and the number decoded.
func (b *bench) translateSpeed(k, n int) (float64, int, error) {
	srcs := b.corpus.TestSrc[:min(len(b.corpus.TestSrc), n)]
	if len(srcs) == 0 {
		return 0, 0, nil
	}
	d := b.cfg.Decode
	tr := train.NewTranslator(b.model, b.params, b.cfg.Data.Bucket, d.MaxLenA, d.MaxLenB)
	defer tr.Close()
	start := time.Now()
	if _, err := train.Decode(tr, b.corpus.Tgt, srcs, b.cfg.Train.BatchSize, k, d.Alpha); err != nil {
		return 0, 0, fmt.Errorf("translate with beam %d: %w", k, err)
	}
	return roundTo(float64(len(srcs))/time.Since(start).Seconds(), 2), len(srcs), nil
}

// benchGraph is one training graph: loss and gradients for a batch shape,
// as package train builds them.
type benchGraph struct {
	b      *graph.Builder
	in     *layers.Inputs
	loss   *G.Node
	params []*graph.Param
	nodes  G.Nodes
	vm     G.VM
}

// newBenchGraph builds the training graph, with dropout and gradients, for
// the shape of batch.
func newBenchGraph(m *layers.Transformer, ps *graph.Params, batch data.Batch, smoothing float64) (*benchGraph, error) {
	g := &benchGraph{b: graph.NewBuilder(ps, true)}
	if err := g.b.Build(func(b *graph.Builder) {
		g.in = layers.NewInputs(b, batch.B, batch.S, batch.T)
		g.loss = m.Loss(b, g.in, smoothing)
	}); err != nil {
		return nil, fmt.Errorf("build graph for batch %dx%d→%d: %w", batch.B, batch.S, batch.T, err)
	}
	g.params, g.nodes = g.b.ParamNodes()
	if _, err := G.Grad(g.loss, g.nodes...); err != nil {
		return nil, fmt.Errorf("differentiate graph for batch %dx%d→%d: %w", batch.B, batch.S, batch.T, err)
	}
	g.vm = G.NewTapeMachine(g.b.G, G.BindDualValues(g.nodes...))
	return g, nil
}

// run binds the batch, runs forward and backward and returns the
// parameters with their gradients.
func (g *benchGraph) run(batch data.Batch) ([]train.Param, error) {
	if err := g.in.BindSource(batch.Src); err != nil {
		return nil, err
	}
	if err := g.in.BindTarget(batch.TgtIn, batch.TgtOut); err != nil {
		return nil, err
	}
	g.vm.Reset()
	if err := g.vm.RunAll(); err != nil {
		return nil, fmt.Errorf("run graph: %w", err)
	}
	out := make([]train.Param, len(g.params))
	for i, p := range g.params {
		gv, err := g.nodes[i].Grad()
		if err != nil {
			return nil, fmt.Errorf("gradient of %s: %w", p.Name, err)
		}
		gd, ok := gv.Data().([]float32)
		if !ok {
			return nil, fmt.Errorf("gradient of %s: %T, want []float32", p.Name, gv.Data())
		}
		out[i] = train.Param{Name: p.Name, Value: p.Value.Float32s(), Grad: gd}
	}
	return out, nil
}

// median returns the median of xs (the mean of the middle two for an even
// count), or 0 for none; xs is sorted in place.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// roundTo rounds x to the given number of decimals.
func roundTo(x float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(x*p) / p
}

// peakRSSMB returns the process's peak resident set size (VmHWM in
// /proc/self/status) in MiB, or 0 where that is unavailable.
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	return parseVmHWM(f)
}

// parseVmHWM reads the "VmHWM: N kB" line of a /proc status file and
// returns N in MiB, or 0 when there is none.
func parseVmHWM(r io.Reader) float64 {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0
		}
		kb, err := strconv.ParseFloat(fields[0], 64)
		if err != nil || kb < 0 || math.IsInf(kb, 0) {
			return 0
		}
		return roundTo(kb/1024, 1)
	}
	return 0
}
