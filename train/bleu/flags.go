package bleu

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// cliConfig is the parsed command line of Command.
type cliConfig struct {
	refs      []string
	width     int
	format    string
	opt       Options
	metrics   map[string]bool // metric names given with -m; none means bleu
	chrf      ChrFOptions
	scoreOnly bool
	short     bool
	help      bool
}

// cliFlag describes one option of Command, with sacreBLEU's spellings.
type cliFlag struct {
	short, long string
	arg         string // value placeholder; empty for a boolean flag
	usage       string
	set         func(c *cliConfig, value string) error
}

// cliFlags lists the options Command accepts.
var cliFlags = []cliFlag{
	{"-w", "--width", "N", "decimals of the score (default 1)", setWidth},
	{"-f", "--format", "json|text", "output format (default json)", setFormat},
	{"-tok", "--tokenize", "13a|none", "tokenizer (default 13a)", setTokenize},
	{"-lc", "--lowercase", "", "case-insensitive BLEU", func(c *cliConfig, _ string) error {
		c.opt.Lowercase = true
		return nil
	}},
	{"-m", "--metrics", "bleu|chrf ...", "metrics to compute, one or more (default bleu)", setMetric},
	{"-cc", "--chrf-char-order", "N", "chrF character n-gram order (default 6)", setChrFInt(func(c *cliConfig) *int { return &c.chrf.CharOrder }, 1)},
	{"-cw", "--chrf-word-order", "N", "chrF word n-gram order (default 0; 2 is chrF++)", setChrFInt(func(c *cliConfig) *int { return &c.chrf.WordOrder }, 0)},
	{"", "--chrf-beta", "N", "chrF recall weight (default 2)", setChrFInt(func(c *cliConfig) *int { return &c.chrf.Beta }, 1)},
	{"", "--chrf-whitespace", "", "keep whitespace in chrF character n-grams", func(c *cliConfig, _ string) error {
		c.chrf.Whitespace = true
		return nil
	}},
	{"", "--chrf-lowercase", "", "case-insensitive chrF", func(c *cliConfig, _ string) error {
		c.chrf.Lowercase = true
		return nil
	}},
	{"-b", "--score-only", "", "print only the score", func(c *cliConfig, _ string) error {
		c.scoreOnly = true
		return nil
	}},
	{"-sh", "--short", "", "abbreviated signature in text output", func(c *cliConfig, _ string) error {
		c.short = true
		return nil
	}},
	{"-q", "--quiet", "", "accepted and ignored (nothing is logged)", noop},
	{"-nc", "--no-color", "", "accepted and ignored (output is never colored)", noop},
	{"", "--force", "", "accepted and ignored (no tokenized-input warning)", noop},
	{"-h", "--help", "", "show this help", func(c *cliConfig, _ string) error {
		c.help = true
		return nil
	}},
}

func noop(*cliConfig, string) error { return nil }

func setWidth(c *cliConfig, v string) error {
	w, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || w < 0 {
		return fmt.Errorf("invalid width %q: want an integer >= 0", v)
	}
	c.width = w
	return nil
}

func setFormat(c *cliConfig, v string) error {
	if v != "json" && v != "text" {
		return fmt.Errorf("invalid format %q: valid choices are json, text", v)
	}
	c.format = v
	return nil
}

// metricNames lists the metrics -m accepts, in the order sacreBLEU prints
// them (sorted by upper-case name).
var metricNames = []string{"bleu", "chrf"}

// isMetric reports whether s names a metric.
func isMetric(s string) bool { return slices.Contains(metricNames, s) }

// setMetric adds one metric to compute. Unlike sacreBLEU's argparse, -m
// takes only the metric names that follow it, so reference paths may come
// after the list.
func setMetric(c *cliConfig, v string) error {
	if !isMetric(v) {
		return fmt.Errorf("invalid metric %q: valid choices are %s", v, strings.Join(metricNames, ", "))
	}
	if c.metrics == nil {
		c.metrics = map[string]bool{}
	}
	c.metrics[v] = true
	return nil
}

// setChrFInt returns a setter of one integer chrF option, at least lowest.
func setChrFInt(field func(*cliConfig) *int, lowest int) func(*cliConfig, string) error {
	return func(c *cliConfig, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lowest {
			return fmt.Errorf("invalid value %q: want an integer >= %d", v, lowest)
		}
		*field(c) = n
		return nil
	}
}

func setTokenize(c *cliConfig, v string) error {
	opt := Options{Tokenize: v}
	if err := opt.validate(); err != nil {
		return err
	}
	c.opt.Tokenize = v
	return nil
}

// parseArgs parses args like sacreBLEU's argparse setup: options and
// reference paths may be interleaved, "--name=value" and "-x=value" work,
// a one-letter option also takes its value attached ("-w2"), and "--"
// ends the options.
func parseArgs(args []string) (cliConfig, error) {
	c := cliConfig{width: 1, format: "json"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			c.refs = append(c.refs, args[i+1:]...)
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			c.refs = append(c.refs, a)
			continue
		}
		f, value, hasValue := lookupFlag(a)
		if f == nil {
			return c, fmt.Errorf("unknown flag %q; valid flags: %s", a, flagList())
		}
		if f.arg == "" && hasValue {
			return c, fmt.Errorf("flag %s takes no value", a)
		}
		if f.arg != "" && !hasValue {
			if i+1 >= len(args) {
				return c, fmt.Errorf("flag %s needs a value (%s)", a, f.arg)
			}
			i++
			value = args[i]
		}
		if err := f.set(&c, value); err != nil {
			return c, fmt.Errorf("flag %s: %w", a, err)
		}
		for f.long == "--metrics" && i+1 < len(args) && isMetric(args[i+1]) {
			i++
			if err := f.set(&c, args[i]); err != nil {
				return c, fmt.Errorf("flag %s: %w", a, err)
			}
		}
	}
	return c, nil
}

// lookupFlag finds the option a names and any value attached to it.
func lookupFlag(a string) (f *cliFlag, value string, hasValue bool) {
	name, value, hasValue := strings.Cut(a, "=")
	for i := range cliFlags {
		f := &cliFlags[i]
		if name == f.short || name == f.long {
			return f, value, hasValue
		}
	}
	for i := range cliFlags {
		f := &cliFlags[i]
		if len(f.short) == 2 && f.arg != "" && strings.HasPrefix(a, f.short) {
			return f, a[2:], true
		}
	}
	return nil, "", false
}

// flagList names every option, for error messages.
func flagList() string {
	names := make([]string, len(cliFlags))
	for i, f := range cliFlags {
		names[i] = flagNames(f)
	}
	return strings.Join(names, ", ")
}

// flagNames joins the spellings of f and its value placeholder.
func flagNames(f cliFlag) string {
	s := f.long
	if f.short != "" {
		s = f.short + "/" + f.long
	}
	if f.arg != "" {
		s += " " + f.arg
	}
	return s
}

// usage is the help text of Command.
func usage() string {
	var b strings.Builder
	b.WriteString("usage: train bleu [flags] REF [REF...] < HYPOTHESES\n\n")
	b.WriteString("Computes corpus BLEU and chrF like sacreBLEU 2.x; hypotheses are read from stdin.\n\nflags:\n")
	for _, f := range cliFlags {
		fmt.Fprintf(&b, "  %-26s %s\n", flagNames(f), f.usage)
	}
	return b.String()
}
