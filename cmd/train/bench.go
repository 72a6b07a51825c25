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
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seq2seq/transformer/graph"
	"github.com/seq2seq/transformer/train"
)

// benchOptions is the parsed command line of bench.
type benchOptions struct {
	config, checkpoint, cpuProfile, memProfile string
	steps, warmup, sentences                   int
	sets                                       setFlags
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
	Workers           int     `json:"workers"`
	TranslateSents    int     `json:"translate_sents"`
	GraphBuildSeconds float64 `json:"graph_build_s"`
	GCPercent         int     `json:"gc_percent"`
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
	fs.StringVar(&opt.cpuProfile, "cpuprofile", "", "write a CPU profile of the timed training steps to this file (go tool pprof)")
	fs.StringVar(&opt.memProfile, "memprofile", "", "write a heap profile taken after the timed training steps to this file (go tool pprof)")
	sets := addSetFlag(fs)
	if help, err = parseLoud(fs, args); help || err != nil {
		return opt, help, err
	}
	opt.sets = *sets
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

// bench is the state of a benchmark: a training session that writes
// nothing, stepped exactly as training steps.
type bench struct {
	cfg     *train.Config
	session *train.Session
	log     io.Writer
}

// newBench loads the config and prepares a dry-run training session,
// starting from the checkpoint's weights and vocabularies when given.
func newBench(opt benchOptions, log io.Writer) (*bench, error) {
	cfg, err := loadConfig(opt.config, opt.sets)
	if err != nil {
		return nil, err
	}
	if opt.checkpoint != "" {
		if _, err := loadModel(opt.checkpoint); err != nil {
			return nil, err
		}
	}
	s, err := train.NewSession(cfg, train.Options{DryRun: true, From: opt.checkpoint, Log: io.Discard})
	if err != nil {
		return nil, err
	}
	if len(s.Corpus().Train) == 0 {
		s.Close()
		return nil, fmt.Errorf("no training pairs within data.max_len %d in %s", cfg.Data.MaxLen, cfg.Data.Dir)
	}
	_, params := s.Model()
	fmt.Fprintf(log, "bench: model of %d parameters, %d training pairs, batch size %d, %d worker(s)\n",
		params.Count(), len(s.Corpus().Train), cfg.Train.BatchSize, cfg.Train.Workers)
	return &bench{cfg: cfg, session: s, log: log}, nil
}

// close releases the session's graphs.
func (b *bench) close() { b.session.Close() }

// run does the warm-up and timed steps, then the translation timings. Step
// times exclude building graphs for new batch shapes (reported as
// graph_build_s).
func (b *bench) run(opt benchOptions) (benchResult, error) {
	res := benchResult{Threads: runtime.GOMAXPROCS(0), BLAS: graph.BLAS, Steps: opt.steps, Warmup: opt.warmup,
		BatchSize: b.cfg.Train.BatchSize, Workers: b.cfg.Train.Workers, GCPercent: gcPercent()}
	for i := 0; i < opt.warmup; i++ {
		if _, err := b.session.Step(); err != nil {
			return res, err
		}
	}
	stop, err := startCPUProfile(opt.cpuProfile)
	if err != nil {
		return res, err
	}
	var src, tgt int
	var total, build time.Duration
	times := make([]float64, 0, opt.steps)
	for i := 0; i < opt.steps; i++ {
		st, err := b.session.Step()
		if err != nil {
			stop()
			return res, err
		}
		d := st.Elapsed - st.GraphBuild
		src, tgt, total, build = src+st.SrcTokens, tgt+st.TgtTokens, total+d, build+st.GraphBuild
		times = append(times, float64(d)/float64(time.Millisecond))
	}
	if err := stop(); err != nil {
		return res, err
	}
	if err := writeHeapProfile(opt.memProfile); err != nil {
		return res, err
	}
	res.GraphBuildSeconds = roundTo(build.Seconds(), 3)
	res.SrcTokensPerS = roundTo(float64(src)/total.Seconds(), 1)
	res.TgtTokensPerS = roundTo(float64(tgt)/total.Seconds(), 1)
	res.StepMS = roundTo(median(times), 3)
	fmt.Fprintf(b.log, "bench: %d steps in %.2fs, median %.1f ms\n", opt.steps, total.Seconds(), res.StepMS)
	if res.TranslateGreedy, res.TranslateSents, err = b.translateSpeed(1, opt.sentences); err != nil {
		return res, err
	}
	if res.TranslateBeam4, _, err = b.translateSpeed(4, opt.sentences); err != nil {
		return res, err
	}
	res.PeakRSSMB = peakRSSMB()
	return res, nil
}

// startCPUProfile starts a CPU profile into path (nothing when path is
// empty) and returns the function that stops it and closes the file.
func startCPUProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile %s: %w", path, err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("cpu profile %s: %w", path, err)
		}
		return nil
	}, nil
}

// writeHeapProfile writes a heap profile into path (nothing when path is
// empty) after a garbage collection, so that its in-use figures are the
// live heap; its alloc figures count everything allocated since the start.
func writeHeapProfile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	runtime.GC()
	err = pprof.Lookup("heap").WriteTo(f, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("heap profile %s: %w", path, err)
	}
	return nil
}

// translateSpeed decodes the first n test sentences (or all there are) with
// beam width k (1 = greedy) on a fresh translator and returns sentences per
// second and the number decoded.
func (b *bench) translateSpeed(k, n int) (float64, int, error) {
	c := b.session.Corpus()
	srcs := c.TestSrc[:min(len(c.TestSrc), n)]
	if len(srcs) == 0 {
		return 0, 0, nil
	}
	d := b.cfg.Decode
	m, params := b.session.Model()
	tr := train.NewTranslator(m, params, b.cfg.Data.Bucket, d.MaxLenA, d.MaxLenB)
	start := time.Now()
	if _, err := train.Decode(tr, c.Tgt, srcs, b.cfg.Train.BatchSize, k, d.Penalty()); err != nil {
		return 0, 0, fmt.Errorf("translate with beam %d: %w", k, err)
	}
	return roundTo(float64(len(srcs))/time.Since(start).Seconds(), 2), len(srcs), nil
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
