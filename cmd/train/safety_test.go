package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seq2seq/transformer/train/checkpoint"
)

// proc is the command run in a child process (the test binary re-run as
// main, see TestMain).
type proc struct {
	cmd    *exec.Cmd
	lines  chan string // stderr, line by line; closed at its end
	stderr bytes.Buffer
	done   chan error
}

// startMain runs the command with args in a child process, stdin as given
// (nil: an empty input).
func startMain(t *testing.T, stdin io.Reader, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(os.Args[0], args...), lines: make(chan string, 1000), done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), mainEnv+"=1")
	p.cmd.Stdin = stdin
	pipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill() })
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		defer close(p.lines)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			p.stderr.WriteString(sc.Text() + "\n")
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
	}()
	go func() {
		<-scanned
		p.done <- p.cmd.Wait()
	}()
	return p
}

// waitLine waits until the child writes a stderr line containing sub.
func (p *proc) waitLine(t *testing.T, sub string) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				t.Fatalf("the command ended without printing %q", sub)
			}
			if strings.Contains(l, sub) {
				return
			}
		case <-timeout:
			t.Fatalf("no %q on stderr after 60s", sub)
		}
	}
}

// exitAfter sends sig and returns the exit status, failing the test if the
// child is still running after limit.
func (p *proc) exitAfter(t *testing.T, sig os.Signal, limit time.Duration) int {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		return exitStatus(t, err)
	case <-time.After(limit):
		t.Fatalf("still running %v after %v", limit, sig)
		return 0
	}
}

// exitStatus returns the exit status err reports (0 for nil); a death by
// signal is an error of the test.
func exitStatus(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			t.Fatalf("killed by %v instead of exiting", ws.Signal())
		}
		return ee.ExitCode()
	}
	t.Fatal(err)
	return 0
}

// treeDigest returns a digest of every file name and content under dir.
func treeDigest(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestSecondTrainerRefused starts two real training processes on one run
// directory: the second must stop at once naming the first, and the first,
// interrupted with SIGINT, must exit 130 with its checkpoints and every
// metrics record intact; a resume stopped with SIGTERM exits 143.
func TestSecondTrainerRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("training processes skipped in -short mode")
	}
	dir := t.TempDir()
	config := mainTestConfig(t, dir, nil)
	out := filepath.Join(dir, "out")
	runDir := filepath.Join(out, "micro")
	args := []string{"--config", config, "--out", out, "--steps", "100000"}
	first := startMain(t, nil, args...)
	first.waitLine(t, "step 10: valid loss") // past the lock, training
	second := startMain(t, nil, append(args, "--resume")...)
	select {
	case err := <-second.done:
		if code := exitStatus(t, err); code != 1 {
			t.Errorf("second trainer exited %d, want 1", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("second trainer still running after 30s")
	}
	want := fmt.Sprintf("in use by another training (pid %d on host", first.cmd.Process.Pid)
	if !strings.Contains(second.stderr.String(), want) {
		t.Errorf("second trainer said %q, want %q", second.stderr.String(), want)
	}
	if code := first.exitAfter(t, os.Interrupt, 60*time.Second); code != 130 {
		t.Errorf("first trainer exited %d after SIGINT, want 130\n%s", code, first.stderr.String())
	}
	info := robustInspect(t, runDir)
	if info.Step < 10 {
		t.Fatalf("after SIGINT the latest checkpoint is step %d, want >= 10", info.Step)
	}
	robustMetrics(t, runDir, info.Step) // one well-formed record per step

	resumed := startMain(t, nil, append(args, "--resume")...)
	resumed.waitLine(t, "resuming from")
	if code := resumed.exitAfter(t, syscall.SIGTERM, 60*time.Second); code != 143 {
		t.Errorf("resumed trainer exited %d after SIGTERM, want 143\n%s", code, resumed.stderr.String())
	}
	after := robustInspect(t, runDir)
	robustMetrics(t, runDir, after.Step)
}

// TestRerunWithoutResume trains 4 steps, then runs again into the same
// directory without --resume: refused naming --resume and --overwrite with
// nothing changed; with --overwrite a clean new run of 2 steps.
func TestRerunWithoutResume(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	config := mainTestConfig(t, dir, func(s string) string {
		return strings.Replace(s, "save_every: 10 ", "save_every: 2 ", 1)
	})
	out := filepath.Join(dir, "out")
	runDir := filepath.Join(out, "micro")
	if _, stderr, err := robustRun([]string{"--config", config, "--out", out, "--steps", "4"}, ""); err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr)
	}
	before := treeDigest(t, runDir)
	_, _, err := robustRun([]string{"--config", config, "--out", out, "--steps", "4"}, "")
	assertMentions(t, err, "rerun without --resume", "already holds a run", "--resume", "--overwrite")
	if got := treeDigest(t, runDir); got != before {
		t.Errorf("the refused rerun changed %s", runDir)
	}
	if _, stderr, err := robustRun([]string{"--config", config, "--out", out, "--steps", "2", "--overwrite"}, ""); err != nil {
		t.Fatalf("--overwrite: %v\n%s", err, stderr)
	}
	robustMetrics(t, runDir, 2)
	entries, err := os.ReadDir(runDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"best", "curves.png", "latest", "lock", "metrics.jsonl", "step-00000002"}; !slices.Equal(names, want) {
		t.Errorf("after --overwrite %s holds %q, want %q", runDir, names, want)
	}
	if siblings, _ := filepath.Glob(filepath.Join(out, ".overwritten-*")); len(siblings) > 0 {
		t.Errorf("--overwrite left %q behind", siblings)
	}
	_, _, err = robustRun([]string{"--config", config, "--out", out, "--resume", "--overwrite"}, "")
	assertMentions(t, err, "--resume --overwrite", "exclude each other")
}

// TestCommandsStopOnSignal signals each command while it works or waits
// for input: it must exit within seconds with 130 after SIGINT and 143
// after SIGTERM (serve: 0 after it has finished the requests in flight).
func TestCommandsStopOnSignal(t *testing.T) {
	config, runDir := microRun(t)
	ref := filepath.Join(t.TempDir(), "ref.txt")
	if err := os.WriteFile(ref, []byte("a b c\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		wait string // stderr line that shows the command is working; "" waits for stdin
		sig  syscall.Signal
		want int
	}{
		{"translate", []string{"translate", "--checkpoint", runDir}, "", syscall.SIGINT, 130},
		{"bleu", []string{"bleu", ref}, "", syscall.SIGTERM, 143},
		{"eval", []string{"eval", "--config", config, "--beam", "200", "--set", "data.toy_test=4000", "--set", "data.dir=" + filepath.Join(t.TempDir(), "big")}, "eval: checkpoint", syscall.SIGINT, 130},
		{"bench", []string{"bench", "--config", config, "--steps", "100000"}, "bench: model of", syscall.SIGTERM, 143},
		{"serve", []string{"serve", "--checkpoint", runDir, "--addr", "127.0.0.1:0"}, "", syscall.SIGTERM, 0}, // finishes what is in flight, then exit 0
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, pw, err := os.Pipe() // never written: a command reading stdin waits
			if err != nil {
				t.Fatal(err)
			}
			defer pw.Close()
			p := startMain(t, pr, tt.args...)
			pr.Close() // the child has its copy
			if tt.wait != "" {
				p.waitLine(t, tt.wait)
			} else {
				time.Sleep(500 * time.Millisecond)
			}
			if code := p.exitAfter(t, tt.sig, 5*time.Second); code != tt.want {
				t.Errorf("exit status %d after %v, want %d\n%s", code, tt.sig, tt.want, p.stderr.String())
			}
		})
	}
}

// TestUnknownCommand checks that a mistyped command is refused with the
// list of commands, and that flags alone still train.
func TestUnknownCommand(t *testing.T) {
	err := run(context.Background(), []string{"evl", "--config", "x.yaml"}, strings.NewReader(""), io.Discard, io.Discard)
	assertMentions(t, err, "train evl", `unknown command "evl"`, "align, attention, average, bench", "bleu, eval, export, help, import, inspect, plot, serve, translate")
	err = run(context.Background(), []string{"--config", filepath.Join(t.TempDir(), "none.yaml")}, strings.NewReader(""), io.Discard, io.Discard)
	assertMentions(t, err, "train --config", "none.yaml")
}

// TestHelpListsEveryFlag checks that train help names every flag of every
// command.
func TestHelpListsEveryFlag(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"train (training) flags", "-overwrite", "-resume", "-steps", "-out",
		"train eval flags", "-split", "train translate flags", "train attention flags", "-average",
		"train bench flags", "-cpuprofile", "-warmup", "-sentences", "train bleu flags", "--tokenize",
		"-set value", "-beam int", "130 after SIGINT", "143 after SIGTERM",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("train help does not mention %q", want)
		}
	}
}

// TestExitCode checks main's exit status for results and signals.
func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		sig  int
		want int
	}{
		{nil, 0, 0},
		{errors.New("bad"), 0, 1},
		{errInterrupted, int(syscall.SIGINT), 130},
		{errInterrupted, int(syscall.SIGTERM), 143},
		{errors.New("save failed"), int(syscall.SIGINT), 130},
		{nil, int(syscall.SIGTERM), 143},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err, tt.sig, io.Discard); got != tt.want {
			t.Errorf("exitCode(%v, %d) = %d, want %d", tt.err, tt.sig, got, tt.want)
		}
	}
}

// TestSetFlag checks --set on training: the override applies, and an
// unknown key or bad value is an error naming it.
func TestSetFlag(t *testing.T) {
	dir := t.TempDir()
	config := microConfig(t, dir, "micro", filepath.Join(dir, "data"), nil)
	out := filepath.Join(dir, "out")
	_, _, err := robustRun([]string{"--config", config, "--out", out, "--set", "model.d_modle=8"}, "")
	assertMentions(t, err, "--set model.d_modle", "model.d_modle")
	_, _, err = robustRun([]string{"--config", config, "--out", out, "--set", "train.steps=-3"}, "")
	assertMentions(t, err, "--set train.steps=-3", "train.steps")
	_, _, err = robustRun([]string{"eval", "--config", config, "--set", "nokey"}, "")
	assertMentions(t, err, "--set nokey", "key=value")
	if testing.Short() {
		return
	}
	if _, stderr, err := robustRun([]string{"--config", config, "--out", out, "--set", "train.steps=3", "--set", "train.save_every=3"}, ""); err != nil {
		t.Fatalf("--set train.steps=3: %v\n%s", err, stderr)
	}
	robustMetrics(t, filepath.Join(out, "micro"), 3)
	if info := robustInspect(t, filepath.Join(out, "micro")); info.Step != 3 {
		t.Errorf("--set train.steps=3 trained to step %d", info.Step)
	}
}

// TestTranslateWarnings checks that translate drops a byte-order mark at
// the start of stdin (the line translates as without it) and counts the
// lines it cut at max_positions, on stderr.
func TestTranslateWarnings(t *testing.T) {
	_, runDir := microRun(t)
	long := strings.Repeat("dog ", 300) // over max_positions 256
	plain, _, err := robustRun([]string{"translate", "--checkpoint", runDir, "--beam", "1"}, "a dog\n")
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := robustRun([]string{"translate", "--checkpoint", runDir, "--beam", "1"}, "\ufeffa dog\n"+long+"\n"+long+"\nthe dog\n")
	if err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(stdout, "\n"); first+"\n" != plain {
		t.Errorf("line after a BOM translated to %q, without it %q", first, plain)
	}
	for _, want := range []string{"dropped the byte-order mark", "2 input lines were longer than the model's max_positions 256"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not say %q", stderr, want)
		}
	}
}

// TestOversizeCheckpointRefused crafts a checkpoint whose config claims
// d_model 1,000,000 over the micro model's small tensors: translate, eval
// and attention must refuse it naming model.d_model, without allocating
// the model (which would need terabytes).
func TestOversizeCheckpointRefused(t *testing.T) {
	config, runDir := microRun(t)
	st, err := checkpoint.Load(filepath.Join(runDir, checkpoint.StepDirName(20)))
	if err != nil {
		t.Fatal(err)
	}
	orig := st.Config
	text := string(orig)
	for _, r := range [][2]string{{"d_model: 16", "d_model: 1000000"}, {"heads: 2", "heads: 1"}} {
		if !strings.Contains(text, r[0]) {
			t.Fatalf("checkpoint config has no %q:\n%s", r[0], text)
		}
		text = strings.Replace(text, r[0], r[1], 1)
	}
	st.Config = []byte(text)
	crafted := filepath.Join(t.TempDir(), "crafted")
	if _, err := checkpoint.Save(crafted, st, 1, false); err != nil {
		t.Fatal(err)
	}
	st.Config = []byte(strings.Replace(string(orig), "d_ff: 32", "d_ff: 64", 1))
	if string(st.Config) == string(orig) {
		t.Fatalf("checkpoint config has no d_ff: 32:\n%s", orig)
	}
	reshaped := filepath.Join(t.TempDir(), "reshaped")
	if _, err := checkpoint.Save(reshaped, st, 1, false); err != nil {
		t.Fatal(err)
	}
	_, _, err = robustRun([]string{"translate", "--checkpoint", reshaped}, "a dog\n")
	assertMentions(t, err, "translate of a checkpoint whose config says d_ff 64", "tensors hold", "model.d_ff 64")
	for _, args := range [][]string{
		{"translate", "--checkpoint", crafted},
		{"eval", "--config", config, "--checkpoint", crafted},
		{"attention", "--checkpoint", crafted, "--text", "a dog", "--out", filepath.Join(t.TempDir(), "a.png")},
	} {
		_, _, err := robustRun(args, "a dog\n")
		assertMentions(t, err, args[0]+" of a crafted checkpoint", "model.d_model (1000000)", "memory")
	}
}
