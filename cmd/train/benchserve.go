package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seq2seq/transformer/serve"
	"github.com/seq2seq/transformer/train"
)

// Defaults of serve shared with bench-serve.
const (
	serveDefaultWait  = 5 * time.Millisecond
	serveDefaultGrace = 30 * time.Second
)

// benchServeCmd measures the server under load:
//
//	train bench-serve --checkpoint PATH --src FILE [--clients 1,8,64]
//	  [--beam K] [--max-batch N] [--batch-wait D] [--workers N]
//	  [--queue N] [--overload-queue N]
//
// It translates the non-blank lines of FILE offline (sorted by length, 16
// at a time, as train translate decodes them) for a reference throughput, then starts the server on a loopback
// port and, for each client count, sends every line as a single-sentence
// request from that many concurrent clients, reporting sentences/s and
// p50/p99 latency. A last run with 64 clients against a queue of
// --overload-queue sentences shows how many requests get 503 and the
// latency of all answers then.
func benchServeCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench-serve", stderr)
	ckpt := fs.String("checkpoint", "", "checkpoint step directory or run directory (required)")
	srcPath := fs.String("src", "", "source sentences, one a line (required)")
	clientList := fs.String("clients", "1,8,64", "comma-separated concurrent client counts")
	beam := fs.Int("beam", 0, "beam width (default: the checkpoint's decode.beam)")
	maxBatch := fs.Int("max-batch", 32, "server --max-batch")
	wait := fs.Duration("batch-wait", serveDefaultWait, "server --batch-wait")
	workers := fs.Int("workers", defaultWorkers(), "server --workers")
	queue := fs.Int("queue", 256, "server --queue")
	overload := fs.Int("overload-queue", 8, "queue of the overload run; 0 skips it")
	if help, err := parseLoud(fs, args); help || err != nil {
		return err
	}
	clients, err := parseCounts(*clientList)
	if err != nil || *ckpt == "" || *srcPath == "" {
		return fmt.Errorf("bench-serve: --checkpoint, --src and --clients (positive counts) are required: %v", err)
	}
	lines, err := readLines(*srcPath)
	if err != nil {
		return fmt.Errorf("bench-serve: %w", err)
	}
	l, err := loadModel(*ckpt)
	if err != nil {
		return fmt.Errorf("bench-serve: %w", err)
	}
	k := *beam
	if k == 0 {
		k = l.Config.Decode.Beam
	}
	maxLen := l.Model.Cfg.MaxPositions
	var srcs [][]int
	for _, s := range lines {
		toks := strings.Fields(s)
		srcs = append(srcs, l.Src.Encode(toks[:min(len(toks), maxLen)]))
	}
	start := time.Now() // decoded in train translate's batches
	if _, err := train.Decode(l.Translator(), l.Tgt, srcs, decodeBatch, k, l.Config.Decode.Penalty()); err != nil {
		return fmt.Errorf("bench-serve: offline: %w", err)
	}
	offline := float64(len(lines)) / time.Since(start).Seconds()
	fmt.Fprintf(stdout, "%d sentences, beam %d, %d workers, max-batch %d, batch-wait %v\n", len(lines), k, *workers, *maxBatch, *wait)
	fmt.Fprintf(stdout, "offline translate: %.1f sentences/s\n", offline)
	fmt.Fprintf(stdout, "%-8s %-6s %8s %6s %6s %12s %9s %9s %8s\n", "clients", "queue", "requests", "ok", "503", "sentences/s", "p50 ms", "p99 ms", "×offline")
	be, err := serve.NewModelBackend(l, "")
	if err != nil {
		return err
	}
	runs := make([][2]int, 0, len(clients)+1)
	for _, c := range clients {
		runs = append(runs, [2]int{c, *queue})
	}
	if *overload > 0 {
		runs = append(runs, [2]int{64, *overload})
	}
	for _, r := range runs {
		opt := serve.BatchOptions{MaxBatch: *maxBatch, Wait: *wait, Queue: r[1], Workers: *workers}
		res, err := loadRun(be, opt, lines, r[0], k)
		if err != nil {
			return fmt.Errorf("bench-serve: %d clients: %w", r[0], err)
		}
		fmt.Fprintf(stdout, "%-8d %-6d %8d %6d %6d %12.1f %9.1f %9.1f %8.2f\n", r[0], r[1], res.requests, res.ok, res.busy,
			res.rate, res.p50, res.p99, res.rate/offline)
	}
	return nil
}

// parseCounts parses "1,8,64".
func parseCounts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad client count %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// readLines returns the non-blank lines of a file.
func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, maxLineBytes)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			out = append(out, sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// loadResult is one load run's figures.
type loadResult struct {
	requests, ok, busy int
	rate, p50, p99     float64 // translated sentences/s; latency of all answers, ms
}

// loadRun starts a server over be on a loopback port and sends each line
// as one request from clients concurrent clients.
func loadRun(be serve.Backend, opt serve.BatchOptions, lines []string, clients, beam int) (*loadResult, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := serve.New(be, serve.DefaultLimits, opt, nil)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln, time.Minute) }()
	defer func() { stop(); <-done }()

	url := "http://" + ln.Addr().String() + "/v1/translate"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	next := make(chan string)
	go func() {
		for _, s := range lines {
			next <- s
		}
		close(next)
	}()
	var mu sync.Mutex
	res := &loadResult{}
	var lat []float64
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for text := range next {
				t0 := time.Now()
				status, err := post(client, url, text, beam)
				ms := float64(time.Since(t0).Microseconds()) / 1000
				mu.Lock()
				res.requests++
				lat = append(lat, ms)
				switch {
				case err != nil && firstErr == nil:
					firstErr = err
				case status == http.StatusOK:
					res.ok++
				case status == http.StatusServiceUnavailable:
					res.busy++
				case firstErr == nil:
					firstErr = fmt.Errorf("status %d", status)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	if firstErr != nil {
		return nil, firstErr
	}
	slices.Sort(lat)
	res.rate = float64(res.ok) / elapsed
	res.p50, res.p99 = quantile(lat, 0.5), quantile(lat, 0.99)
	return res, nil
}

// post sends one text and returns the status, the body read and dropped.
func post(c *http.Client, url, text string, beam int) (int, error) {
	body, err := json.Marshal(map[string]any{"text": text, "beam": beam})
	if err != nil {
		return 0, err
	}
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// quantile returns the q-quantile of sorted values (nearest rank).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
