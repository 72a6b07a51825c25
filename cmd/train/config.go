package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/seq2seq/transformer/train"
)

// setFlags collects the repeatable --set KEY=VALUE flag.
type setFlags []string

func (s *setFlags) String() string { return strings.Join(*s, " ") }

func (s *setFlags) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// addSetFlag adds --set to fs.
func addSetFlag(fs *flag.FlagSet) *setFlags {
	s := &setFlags{}
	fs.Var(s, "set", "override a config key, e.g. --set train.lr=0.001 (repeatable; YAML key names)")
	return s
}

// loadConfig loads the config file at path, applies the --set overrides in
// order and validates the result.
func loadConfig(path string, sets setFlags) (*train.Config, error) {
	cfg, err := train.LoadConfig(path)
	if err != nil {
		return nil, err
	}
	for _, a := range sets {
		if err := cfg.Override(a); err != nil {
			return nil, fmt.Errorf("--set %s: %w", a, err)
		}
	}
	if len(sets) > 0 {
		if err := cfg.Validate(); err != nil {
			return nil, fmt.Errorf("config after --set: %w", err)
		}
	}
	return cfg, nil
}
