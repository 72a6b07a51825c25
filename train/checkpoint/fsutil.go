package checkpoint

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// syncWriteCloser is a file being written: os.File, or a fake in tests.
type syncWriteCloser interface {
	io.Writer
	Sync() error
	Close() error
}

// Hooks over the file system, replaced in tests to inject failures such as
// a full disk.
var (
	createFile = func(path string) (syncWriteCloser, error) {
		return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	}
	renameFile = os.Rename
	syncDir    = syncDirOS
)

// syncDirOS fsyncs directory dir so renames and creations in it are
// durable. File systems that cannot sync a directory (EINVAL) are accepted.
func syncDirOS(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if errors.Is(err, syscall.EINVAL) {
		err = nil
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// countingWriter counts the bytes written through it.
type countingWriter struct{ n int64 }

// Write counts p.
func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// writeFile creates path, fills it with write, fsyncs and closes it, and
// returns its name, size and sha256. Errors name path.
func writeFile(path string, write func(io.Writer) error) (fileMeta, error) {
	f, err := createFile(path)
	if err != nil {
		return fileMeta{}, fmt.Errorf("create %s: %w", path, err)
	}
	h, count := sha256.New(), &countingWriter{}
	bw := bufio.NewWriterSize(io.MultiWriter(f, h, count), 64<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fileMeta{}, fmt.Errorf("write %s: %w", path, err)
	}
	return fileMeta{Name: filepath.Base(path), Size: count.n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// writeBytes is writeFile for content already in memory.
func writeBytes(path string, data []byte) (fileMeta, error) {
	return writeFile(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// replaceFileAtomic makes path hold data: it writes a temporary file beside
// it, fsyncs it, renames it over path and fsyncs the directory, so path
// holds either the old or the new content, never a mix.
func replaceFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp := filepath.Join(dir, ".tmp-"+filepath.Base(path))
	if _, err := writeBytes(tmp, data); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := renameFile(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("rename %s to %s: %w", tmp, path, err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
