package main

import (
	"flag"
	"fmt"
)

// MaxBeam is the widest beam eval and translate accept, whatever the
// vocabulary: the search's time and memory grow with the width (beam 10000
// over 16 sentences took 47 s and 3.8 GB), and widths past a few dozen
// no longer change the translations.
const MaxBeam = 256

// beamFlag adds --beam to fs; its default, 0 until set, stands for the
// configured decode.beam (0 itself is refused when given).
func beamFlag(fs *flag.FlagSet, source string) *int {
	return fs.Int("beam", 0, fmt.Sprintf("beam width, 1 (greedy) to min(target vocabulary, %d) (default: %s's decode.beam)", MaxBeam, source))
}

// beamSet reports whether --beam was given on the command line.
func beamSet(fs *flag.FlagSet) bool { return givenFlags(fs)["beam"] }

// checkBeamFlag rejects a --beam given outside 1..MaxBeam, before
// anything is loaded.
func checkBeamFlag(cmd string, fs *flag.FlagSet, k int) error {
	if beamSet(fs) && (k < 1 || k > MaxBeam) {
		return fmt.Errorf("%s: --beam %d out of range: want 1 (greedy) to %d", cmd, k, MaxBeam)
	}
	return nil
}

// checkBeam rejects a beam width outside 1..min(tgtVocab, MaxBeam): a beam
// wider than the target vocabulary cannot be filled.
func checkBeam(cmd string, k, tgtVocab int) error {
	limit := min(tgtVocab, MaxBeam)
	if k < 1 || k > limit {
		return fmt.Errorf("%s: --beam %d out of range: want 1 (greedy) to %d (the target vocabulary has %d types; at most %d)",
			cmd, k, limit, tgtVocab, MaxBeam)
	}
	return nil
}
