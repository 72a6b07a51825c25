package train

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress shows training progress: a progress bar with loss, learning rate
// and tokens/s on a terminal, plain log lines every log_every steps
// otherwise.
type progress struct {
	bar      *progressbar.ProgressBar
	opt      Options
	logEvery int
}

// barThrottle is the least time between two redraws of the bar (tests set
// it to 0 to draw on every step).
var barThrottle = 100 * time.Millisecond

func newProgress(opt Options, start, total, logEvery int) *progress {
	p := &progress{opt: opt, logEvery: logEvery}
	if opt.Progress {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(opt.Stdout),
			progressbar.OptionSetDescription("train"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(barThrottle),
			progressbar.OptionClearOnFinish(),
		)
		p.bar.Set(start)
	}
	return p
}

func (p *progress) update(r Record) {
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("loss %.4f lr %.2e %5.0f tok/s", r.Loss, r.LR, r.TokensPerS))
		p.bar.Set(r.Step)
		return
	}
	line := fmt.Sprintf("step %d loss %.4f lr %.3g tok/s %.0f", r.Step, r.Loss, r.LR, r.TokensPerS)
	if r.GuidedLoss != nil {
		line += fmt.Sprintf(" guided %.4f", *r.GuidedLoss)
	}
	if r.ValidLoss != nil {
		line += fmt.Sprintf(" valid_loss %.4f", *r.ValidLoss)
	}
	if r.ValidBLEU != nil {
		line += fmt.Sprintf(" valid_bleu %.2f", *r.ValidBLEU)
	}
	if r.Step%p.logEvery == 0 || r.ValidLoss != nil {
		fmt.Fprintln(p.opt.Stdout, line)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		fmt.Fprintln(p.opt.Stdout)
	}
}

// clearing returns w wrapped so that every write to it first clears the bar
// from its line: a log line then starts at the left margin instead of
// after the bar, which the next update redraws below it. Without a bar it
// returns w.
func (p *progress) clearing(w io.Writer) io.Writer {
	if p.bar == nil {
		return w
	}
	return barClearingWriter{bar: p.bar, w: w}
}

// barClearingWriter clears bar before each write to w.
type barClearingWriter struct {
	bar *progressbar.ProgressBar
	w   io.Writer
}

func (c barClearingWriter) Write(b []byte) (int, error) {
	if err := c.bar.Clear(); err != nil {
		return 0, err
	}
	return c.w.Write(b)
}
