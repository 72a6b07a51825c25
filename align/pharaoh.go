package align

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Link joins source word Src and target word Tgt (0-based). Possible marks
// a possible link (Pharaoh "ipj"); otherwise it is sure ("i-j").
type Link struct {
	Src, Tgt int
	Possible bool
}

// String formats the link as Pharaoh "i-j" or "ipj".
func (l Link) String() string {
	sep := "-"
	if l.Possible {
		sep = "p"
	}
	return strconv.Itoa(l.Src) + sep + strconv.Itoa(l.Tgt)
}

// ParseLine parses one Pharaoh line: links separated by blanks, each "i-j"
// (sure) or "ipj" (possible) with non-negative integers. An empty line is a
// sentence without links.
func ParseLine(line string) ([]Link, error) {
	fields := strings.Fields(line)
	links := make([]Link, 0, len(fields))
	for _, f := range fields {
		l, err := parseLink(f)
		if err != nil {
			return nil, err
		}
		links = append(links, l)
	}
	return links, nil
}

// parseLink parses "i-j" or "ipj".
func parseLink(f string) (Link, error) {
	k := strings.IndexAny(f, "-p")
	if k <= 0 || k == len(f)-1 {
		return Link{}, fmt.Errorf("malformed link %q: want i-j (sure) or ipj (possible)", f)
	}
	i, err1 := strconv.Atoi(f[:k])
	j, err2 := strconv.Atoi(f[k+1:])
	if err1 != nil || err2 != nil || i < 0 || j < 0 || strings.ContainsAny(f[:k]+f[k+1:], "+-") {
		return Link{}, fmt.Errorf("malformed link %q: want non-negative integers i-j or ipj", f)
	}
	return Link{Src: i, Tgt: j, Possible: f[k] == 'p'}, nil
}

// FormatLine formats links as one Pharaoh line, in the order given.
func FormatLine(links []Link) string {
	parts := make([]string, len(links))
	for i, l := range links {
		parts[i] = l.String()
	}
	return strings.Join(parts, " ")
}

// Sort orders links by source, then target position, then sure before
// possible.
func Sort(links []Link) {
	sort.Slice(links, func(a, b int) bool {
		x, y := links[a], links[b]
		if x.Src != y.Src {
			return x.Src < y.Src
		}
		if x.Tgt != y.Tgt {
			return x.Tgt < y.Tgt
		}
		return !x.Possible && y.Possible
	})
}

// Read parses Pharaoh lines from r, one sentence a line; name (a file
// name) and the 1-based line number prefix every error.
func Read(r io.Reader, name string) ([][]Link, error) {
	var out [][]Link
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<26)
	for n := 1; sc.Scan(); n++ {
		links, err := ParseLine(strings.TrimSuffix(sc.Text(), "\r"))
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, n, err)
		}
		out = append(out, links)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// Check verifies alignments against the corpus they belong to: as many
// sentences as srcLens (and tgtLens) has entries, and every index inside its
// sentence. Errors name the file and 1-based line.
func Check(name string, als [][]Link, srcLens, tgtLens []int) error {
	if len(srcLens) != len(tgtLens) {
		return fmt.Errorf("%s: %d source and %d target lengths", name, len(srcLens), len(tgtLens))
	}
	if len(als) != len(srcLens) {
		return fmt.Errorf("%s: %d lines, want %d (one per sentence pair of the corpus)", name, len(als), len(srcLens))
	}
	for n, links := range als {
		for _, l := range links {
			if l.Src >= srcLens[n] {
				return fmt.Errorf("%s line %d: link %s: source index %d outside the sentence of %d words", name, n+1, l, l.Src, srcLens[n])
			}
			if l.Tgt >= tgtLens[n] {
				return fmt.Errorf("%s line %d: link %s: target index %d outside the sentence of %d words", name, n+1, l, l.Tgt, tgtLens[n])
			}
		}
	}
	return nil
}

// ReadFile reads a Pharaoh file and checks it against the corpus lengths
// (see Check); nil lengths skip the check.
func ReadFile(path string, srcLens, tgtLens []int) ([][]Link, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read alignments: %w", err)
	}
	defer f.Close()
	als, err := Read(f, path)
	if err != nil {
		return nil, fmt.Errorf("read alignments: %w", err)
	}
	if srcLens != nil || tgtLens != nil {
		if err := Check(path, als, srcLens, tgtLens); err != nil {
			return nil, fmt.Errorf("read alignments: %w", err)
		}
	}
	return als, nil
}

// Format writes one Pharaoh line per sentence.
func Format(w io.Writer, als [][]Link) error {
	bw := bufio.NewWriter(w)
	for _, links := range als {
		bw.WriteString(FormatLine(links))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
