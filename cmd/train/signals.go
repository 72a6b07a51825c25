package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// errInterrupted is what the training command returns after a signal
// stopped it and its checkpoint was saved; main exits with 128+N.
var errInterrupted = errors.New("interrupted")

// signalState records the first SIGINT or SIGTERM received.
type signalState struct{ n atomic.Int32 }

// received returns the number of the first signal received, or 0.
func (s *signalState) received() int { return int(s.n.Load()) }

// watchSignals catches SIGINT and SIGTERM. The first one cancels the
// returned context and restores the default handling, so that a second one
// kills the process at once. A command that stops itself then returns
// (training after saving a checkpoint, serve after finishing the requests
// in flight); any other command holds nothing worth saving and exits at
// once with status 128+N.
func watchSignals(stopsItself bool, stderr io.Writer) (context.Context, *signalState) {
	ctx, cancel := context.WithCancel(context.Background())
	st := &signalState{}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-ch
		signal.Reset(os.Interrupt, syscall.SIGTERM)
		n := int(s.(syscall.Signal))
		st.n.Store(int32(n))
		cancel()
		if !stopsItself {
			fmt.Fprintf(stderr, "train: stopped by %s\n", signalName(n))
			os.Exit(128 + n)
		}
	}()
	return ctx, st
}

// signalName returns SIGINT or SIGTERM for their numbers.
func signalName(n int) string {
	switch syscall.Signal(n) {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return fmt.Sprintf("signal %d", n)
}
