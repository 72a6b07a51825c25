package curves

import (
	"errors"
	"io/fs"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadGolden(t *testing.T) {
	recs, err := ReadFile(filepath.Join("testdata", MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 60 {
		t.Fatalf("read %d records, want 60", len(recs))
	}
	for i, r := range recs {
		if r.Step != i+1 {
			t.Fatalf("record %d has step %d, want %d", i, r.Step, i+1)
		}
	}
	if r := recs[24]; !math.IsNaN(r.Loss) || !r.Skipped {
		t.Errorf("step 25 loss = %v skipped = %v, want NaN and true", r.Loss, r.Skipped)
	}
	if r := recs[49]; r.ValidLoss == nil || !math.IsInf(*r.ValidLoss, 1) {
		t.Errorf("step 50 valid loss = %v, want +Inf", r.ValidLoss)
	}
	evals := 0
	for _, r := range recs {
		if r.ValidBLEU != nil {
			evals++
		}
	}
	if evals != 6 {
		t.Errorf("%d records with a validation BLEU, want 6", evals)
	}
}

func TestReadErrors(t *testing.T) {
	good := `{"step":1,"loss":2,"lr":0.1,"tokens_per_s":1,"grad_norm":1}`
	tests := []struct {
		name, in string
		want     string // in the error; "" means no error
		n        int    // records read when no error
	}{
		{"empty", "", "no records", 0},
		{"blank lines only", "\n \n", "no records", 0},
		{"malformed line 3", good + "\n" + good + "\n{\"step\":3,\"loss\n" + good + "\n", "line 3", 0},
		{"bad non-finite string", good + "\n" + `{"step":2,"loss":"lots"}` + "\n", "line 2", 0},
		{"wrong type", `{"step":"one"}` + "\n", "line 1", 0},
		{"torn final line", good + "\n" + good + "\n{\"step\":3,\"lo", "", 2},
		{"final line without newline", good + "\n" + good, "", 2},
		{"blank line between", good + "\n\n" + good + "\n", "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := Read(strings.NewReader(tt.in))
			if tt.want == "" {
				if err != nil || len(recs) != tt.n {
					t.Fatalf("Read = %d records, %v; want %d records", len(recs), err, tt.n)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Read error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestReadFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), MetricsFile)
	_, err := ReadFile(path)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Fatalf("ReadFile(missing) = %v, want a not-exist error naming %s", err, path)
	}
}

func TestReadFileNamesLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, MetricsFile)
	writeFile(t, path, `{"step":1,"loss":2}`+"\nnot json\n")
	_, err := ReadFile(path)
	if err == nil || !strings.Contains(err.Error(), path+": line 2:") {
		t.Fatalf("ReadFile = %v, want an error naming %s and line 2", err, path)
	}
}
