package tokenize

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// benchLines returns the benchmark corpus: the lines of the file named by
// TOKENIZE_BENCH_FILE, or else both sides of 29,000 raw toy pairs (58,000
// lines). testdata/bench_spm.sh runs these benchmarks beside spm_train and
// spm_encode on the same file.
func benchLines(b *testing.B) []string {
	b.Helper()
	if path := os.Getenv("TOKENIZE_BENCH_FILE"); path != "" {
		lines, err := ReadLines(path)
		if err != nil {
			b.Fatal(err)
		}
		return lines
	}
	return rawToyLines(b, 29000)
}

// benchVocab is TOKENIZE_BENCH_VOCAB, 8000 by default.
func benchVocab(b *testing.B) int {
	b.Helper()
	v := os.Getenv("TOKENIZE_BENCH_VOCAB")
	if v == "" {
		return 8000
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		b.Fatalf("TOKENIZE_BENCH_VOCAB: %v", err)
	}
	return n
}

// cpuMeter reports the process CPU time per operation as "cpu-s/op",
// comparable with the user+sys time of spm_train and spm_encode on a busy
// machine, where wall time depends on the other processes.
type cpuMeter struct {
	total time.Duration
	start time.Duration
}

func (m *cpuMeter) begin() { m.start = processCPU() }
func (m *cpuMeter) end()   { m.total += processCPU() - m.start }
func (m *cpuMeter) report(b *testing.B) {
	b.ReportMetric(m.total.Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkLearnBPE learns a BPE tokenizer from the benchmark corpus.
func BenchmarkLearnBPE(b *testing.B) {
	lines, size := benchLines(b), benchVocab(b)
	var cpu cpuMeter
	b.ResetTimer()
	for b.Loop() {
		cpu.begin()
		if _, err := LearnBPE(lines, size); err != nil {
			b.Fatal(err)
		}
		cpu.end()
	}
	cpu.report(b)
}

// BenchmarkEncodeBPE encodes the benchmark corpus with a fresh tokenizer
// (empty word cache) each time.
func BenchmarkEncodeBPE(b *testing.B) {
	lines, size := benchLines(b), benchVocab(b)
	learned, err := LearnBPE(lines, size)
	if err != nil {
		b.Fatal(err)
	}
	benchEncode(b, lines, func() (Tokenizer, error) { return newBPE(learned.alphabet, learned.merges) })
}

// BenchmarkEncodeSentencePiece encodes the benchmark corpus with the
// sentencepiece model named by TOKENIZE_BENCH_SPM_MODEL (skipped without).
func BenchmarkEncodeSentencePiece(b *testing.B) {
	path := os.Getenv("TOKENIZE_BENCH_SPM_MODEL")
	if path == "" {
		b.Skip("TOKENIZE_BENCH_SPM_MODEL not set")
	}
	lines := benchLines(b)
	benchEncode(b, lines, func() (Tokenizer, error) { return LoadSentencePiece(path) })
}

// benchEncode times encoding lines with a tokenizer fresh from load (empty
// word cache, loaded outside the timer) each iteration and reports the CPU
// time and the number of pieces.
func benchEncode(b *testing.B, lines []string, load func() (Tokenizer, error)) {
	pieces := 0
	var cpu cpuMeter
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		t, err := load()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cpu.begin()
		pieces = 0
		for _, l := range lines {
			pieces += len(t.Encode(l))
		}
		cpu.end()
	}
	cpu.report(b)
	b.ReportMetric(float64(pieces), "pieces")
}
