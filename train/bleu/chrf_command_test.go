package bleu

import (
	"strings"
	"testing"
)

// TestCommandChrFGolden runs every case of testdata/chrf_cli.json, whose
// stdout is what `python3 -m sacrebleu ARGS < stdin` printed with -m chrf
// or -m bleu chrf (see chrf_test.go): JSON lists, aligned text, -b, -w,
// --short, several references and the chrF options.
func TestCommandChrFGolden(t *testing.T) {
	for _, c := range loadGolden[cliCase](t, "chrf_cli.json") {
		t.Run(c.Name, func(t *testing.T) {
			paths := writeRefs(t, t.TempDir(), c.Refs)
			got, err := runCommand(expandArgs(c.Args, paths), c.Stdin)
			if err != nil {
				t.Fatalf("Command(%q): %v", c.Args, err)
			}
			if got != c.Stdout {
				t.Errorf("Command(%q) printed\n%s\nsacreBLEU printed\n%s", c.Args, got, c.Stdout)
			}
		})
	}
}

func TestCommandMetricErrors(t *testing.T) {
	paths := writeRefs(t, t.TempDir(), []string{"a\n"})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{paths[0], "-m", "ter"}, `invalid metric "ter": valid choices are bleu, chrf`},
		{[]string{paths[0], "-m"}, "needs a value"},
		{[]string{paths[0], "-cc", "0"}, "want an integer >= 1"},
		{[]string{paths[0], "--chrf-beta", "x"}, "want an integer >= 1"},
	} {
		_, err := runCommand(tc.args, "a\n")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Command(%q) error = %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}
