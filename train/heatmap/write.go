package heatmap

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// WritePNG renders m into the PNG file at path. It writes a temporary file
// in the same directory and renames it over path, so path is never left
// half written; errors name path.
func WritePNG(path string, m Map, opt Options) (err error) {
	if err := m.validate(); err != nil {
		return fmt.Errorf("write heatmap %s: %w", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write heatmap %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()

	b := bufio.NewWriter(f)
	if err := Render(b, m, opt); err != nil {
		return fmt.Errorf("write heatmap %s: %w", path, err)
	}
	if err := errors.Join(b.Flush(), f.Chmod(0o644), f.Close()); err != nil {
		return fmt.Errorf("write heatmap %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write heatmap %s: %w", path, err)
	}
	return nil
}
