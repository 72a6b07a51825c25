package main

import (
	"os"
	"runtime/debug"
)

// defaultGCPercent is the garbage collector's target (GOGC) that train uses
// unless the GOGC environment variable sets one: the heap may grow to
// 1+defaultGCPercent/100 times the live heap before a collection. Go's own
// default, 100, lets a training step's garbage (the activations of a
// large-vocabulary output layer are hundreds of megabytes) double the live
// heap; 50 halves that headroom for a few percent more time in the collector
// (README, Performance). GOGC=100 restores Go's default, GOGC=off turns the
// collector off.
const defaultGCPercent = 50

// setGCPercent sets the collector's target to defaultGCPercent unless the
// GOGC environment variable chose one. It changes when memory is
// reclaimed, never a result.
func setGCPercent() {
	if _, ok := os.LookupEnv("GOGC"); ok {
		return
	}
	debug.SetGCPercent(defaultGCPercent)
}

// gcPercent returns the collector's current target (-1: off).
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}
