package train

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// RunDir returns <out>/<name>, the directory of the run's outputs.
func (c *Config) RunDir() string { return filepath.Join(c.Out, c.Name) }

// Splits lists the corpus splits, in the order DataConfig.Files uses.
var Splits = []string{"train", "valid", "test"}

// Path returns the file of split ("train", "valid" or "test") on the side
// whose extension is ext (d.Src or d.Tgt): {dir}/{split}.{ext}.
func (d DataConfig) Path(split, ext string) string {
	return filepath.Join(d.Dir, split+"."+ext)
}

// Files returns the six corpus files: train, valid and test, each source
// then target.
func (d DataConfig) Files() []string {
	var files []string
	for _, split := range Splits {
		files = append(files, d.Path(split, d.Src), d.Path(split, d.Tgt))
	}
	return files
}

// ValidateFiles checks that the six corpus files exist when data.toy is
// false (with toy data they are generated when absent). The error names each
// missing file.
func (c *Config) ValidateFiles() error {
	if c.Data.Toy {
		return nil
	}
	var errs []error
	for _, path := range c.Data.Files() {
		info, err := os.Stat(path)
		switch {
		case err != nil:
			errs = append(errs, &ConfigError{Key: "data.dir", Msg: fmt.Sprintf("data file %s: %v (data.toy is false, so the corpus must exist)", path, unwrapPathError(err))})
		case !info.Mode().IsRegular():
			errs = append(errs, &ConfigError{Key: "data.dir", Msg: fmt.Sprintf("data file %s is not a regular file", path)})
		}
	}
	return errors.Join(errs...)
}

// unwrapPathError drops the path an *os.PathError repeats.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
