package align

// Counts holds the set sizes of Och & Ney's alignment error rate for one
// sentence or, summed, a corpus: A the predicted links, S the sure gold
// links, P the sure and possible gold links (S ⊆ P).
type Counts struct {
	A, S   int // |A|, |S|
	AS, AP int // |A ∩ S|, |A ∩ P|
}

type pos struct{ s, t int }

// Count compares predicted links with gold links of one sentence pair.
// The Possible flag of predicted links is ignored; duplicate links count
// once; a gold link given both sure and possible counts as sure.
func Count(pred, gold []Link) Counts {
	kind := make(map[pos]bool, len(gold)) // true: sure
	for _, l := range gold {
		p := pos{l.Src, l.Tgt}
		kind[p] = kind[p] || !l.Possible
	}
	var c Counts
	for _, sure := range kind {
		if sure {
			c.S++
		}
	}
	seen := make(map[pos]bool, len(pred))
	for _, l := range pred {
		p := pos{l.Src, l.Tgt}
		if seen[p] {
			continue
		}
		seen[p] = true
		c.A++
		if sure, ok := kind[p]; ok {
			c.AP++
			if sure {
				c.AS++
			}
		}
	}
	return c
}

// CountAll sums Count over sentence pairs; pred and gold must have the same
// length.
func CountAll(pred, gold [][]Link) Counts {
	var c Counts
	for i := range pred {
		c.Add(Count(pred[i], gold[i]))
	}
	return c
}

// Add adds o's counts to c.
func (c *Counts) Add(o Counts) {
	c.A += o.A
	c.S += o.S
	c.AS += o.AS
	c.AP += o.AP
}

// Precision is |A ∩ P| / |A|, 0 when nothing is predicted.
func (c Counts) Precision() float64 {
	if c.A == 0 {
		return 0
	}
	return float64(c.AP) / float64(c.A)
}

// Recall is |A ∩ S| / |S|, 0 when there is no sure link.
func (c Counts) Recall() float64 {
	if c.S == 0 {
		return 0
	}
	return float64(c.AS) / float64(c.S)
}

// AER is 1 - (|A ∩ S| + |A ∩ P|) / (|A| + |S|), 0 when both A and S are
// empty.
func (c Counts) AER() float64 {
	if c.A+c.S == 0 {
		return 0
	}
	return 1 - float64(c.AS+c.AP)/float64(c.A+c.S)
}
