package main

import (
	"strings"
	"testing"
)

// TestUsageNamesEveryCommand checks that the usage at the top of train
// help has a line for every command of the dispatch table, so that a new
// command cannot be left out of it.
func TestUsageNamesEveryCommand(t *testing.T) {
	for _, name := range commandNames() {
		if !strings.Contains(usage, "\n  train "+name+" ") && !strings.Contains(usage, "\n  train "+name+"\n") {
			t.Errorf("usage has no line for train %s", name)
		}
	}
}
