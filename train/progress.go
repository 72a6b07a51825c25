package train

import (
	"fmt"

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

func newProgress(opt Options, start, total, logEvery int) *progress {
	p := &progress{opt: opt, logEvery: logEvery}
	if opt.Progress {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(opt.Stdout),
			progressbar.OptionSetDescription("train"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100_000_000),
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
