package align

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseLine(t *testing.T) {
	tests := []struct {
		line string
		want []Link
	}{
		{"", []Link{}},
		{"0-0 1p2  3-1", []Link{{0, 0, false}, {1, 2, true}, {3, 1, false}}},
		{"12-7\r", []Link{{12, 7, false}}},
	}
	for _, tc := range tests {
		got, err := ParseLine(strings.TrimSuffix(tc.line, "\r"))
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseLine(%q) = %v, %v; want %v", tc.line, got, err, tc.want)
		}
		if err == nil {
			back := FormatLine(got)
			again, _ := ParseLine(back)
			if !reflect.DeepEqual(again, got) {
				t.Errorf("FormatLine round trip of %q: %q parses to %v", tc.line, back, again)
			}
		}
	}
}

func TestParseLineRejects(t *testing.T) {
	for _, line := range []string{"0-", "-1", "a-b", "1-2-3", "1--2", "+1-2", "1x2", "1:2", "0-0 3", "p1"} {
		if got, err := ParseLine(line); err == nil {
			t.Errorf("ParseLine(%q) = %v, want an error", line, got)
		} else if !strings.Contains(err.Error(), "malformed link") {
			t.Errorf("ParseLine(%q) error %q does not say malformed link", line, err)
		}
	}
}

func TestFormatLine(t *testing.T) {
	got := FormatLine([]Link{{2, 0, false}, {0, 1, true}})
	if got != "2-0 0p1" {
		t.Errorf("FormatLine = %q, want %q", got, "2-0 0p1")
	}
	links := []Link{{2, 0, false}, {0, 1, true}, {0, 1, false}, {0, 0, false}}
	Sort(links)
	if s := FormatLine(links); s != "0-0 0-1 0p1 2-0" {
		t.Errorf("sorted = %q, want %q", s, "0-0 0-1 0p1 2-0")
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	src, tgt := []int{2, 3}, []int{3, 2}
	tests := []struct {
		name, text string
		want       []string // substrings of the error; none: success
	}{
		{"ok.align", "0-0 1p2\n2-1\n", nil},
		{"bad.align", "0-0\n1-x\n", []string{"bad.align line 2", `malformed link "1-x"`}},
		{"src.align", "0-0 2-0\n0-0\n", []string{"src.align line 1", "source index 2 outside the sentence of 2 words"}},
		{"tgt.align", "0-0\n0-2\n", []string{"tgt.align line 2", "target index 2 outside the sentence of 2 words"}},
		{"short.align", "0-0\n", []string{"short.align", "1 lines, want 2"}},
		{"long.align", "0-0\n0-0\n\n", []string{"long.align", "3 lines, want 2"}},
	}
	for _, tc := range tests {
		als, err := ReadFile(write(tc.name, tc.text), src, tgt)
		if tc.want == nil {
			if err != nil || len(als) != 2 || len(als[0]) != 2 || !als[0][1].Possible {
				t.Errorf("%s: %v, %v; want 2 sentences, the second link possible", tc.name, als, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error, want %q", tc.name, tc.want)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tc.name, err, w)
			}
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "absent.align"), nil, nil); err == nil || !strings.Contains(err.Error(), "absent.align") {
		t.Errorf("missing file: error %v, want one naming it", err)
	}
}

func TestFormatReadRoundTrip(t *testing.T) {
	als := [][]Link{{{0, 1, false}, {1, 0, true}}, {}, {{4, 4, false}}}
	var b strings.Builder
	if err := Format(&b, als); err != nil {
		t.Fatal(err)
	}
	if b.String() != "0-1 1p0\n\n4-4\n" {
		t.Errorf("Format = %q", b.String())
	}
	got, err := Read(strings.NewReader(b.String()), "x")
	if err != nil || len(got) != 3 || FormatLine(got[0]) != "0-1 1p0" || len(got[1]) != 0 || FormatLine(got[2]) != "4-4" {
		t.Errorf("Read back %v, %v", got, err)
	}
}
