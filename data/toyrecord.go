package data

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ToyRecordFile is the file beside a generated toy corpus that records the
// ToyConfig it was generated with, so that a later run with other toy
// settings can say that the corpus on disk does not follow them.
const ToyRecordFile = "toy.json"

// writeToyRecord records cfg in dir.
func writeToyRecord(dir string, cfg ToyConfig) error {
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dir, ToyRecordFile), append(b, '\n'))
}

// ReadToyRecord returns the ToyConfig the toy corpus in dir was generated
// with; found is false when dir has no record (a corpus generated before
// records existed, or not a toy corpus).
func ReadToyRecord(dir string) (cfg ToyConfig, found bool, err error) {
	path := filepath.Join(dir, ToyRecordFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return ToyConfig{}, false, nil
	}
	if err != nil {
		return ToyConfig{}, false, fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return ToyConfig{}, false, fmt.Errorf("read %s: %w", path, err)
	}
	return cfg, true, nil
}
