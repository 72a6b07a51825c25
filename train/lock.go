package train

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// LockFile is the name of the lock file in a run directory.
const LockFile = "lock"

// runLock is an advisory lock (flock) on a run directory's lock file, held
// for the life of a training run. The kernel releases it when the process
// ends in any way, so a crash never leaves a stale lock behind; the file's
// text (pid, host, start time) only names the holder in the error another
// process gets.
type runLock struct {
	f       *os.File
	created []string // directories lockRunDir made, deepest first
}

// lockRunDir creates dir if needed and takes its lock without waiting. When
// another process holds it the error names that process. check, when not
// nil, runs under the lock before the lock file names this process; its
// error releases the lock with nothing written.
func lockRunDir(dir string, check func() error) (*runLock, error) {
	created := missingDirs(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create run directory: %w", err)
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("run directory %s is in use by another training (%s); wait for it to end or train under another name",
				dir, describeHolder(holder))
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	l := &runLock{f: f, created: created}
	if check != nil {
		if err := check(); err != nil {
			l.release()
			return nil, err
		}
	}
	host, _ := os.Hostname()
	text := fmt.Sprintf("pid %d on host %s, started %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	if err := writeHolder(f, text); err != nil {
		l.release()
		return nil, fmt.Errorf("write lock %s: %w", path, err)
	}
	return l, nil
}

// missingDirs returns dir and those of its parents that do not exist,
// deepest first.
func missingDirs(dir string) []string {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || filepath.Dir(d) == d {
			return missing
		}
		missing = append(missing, d)
	}
}

// writeHolder replaces the lock file's text with text.
func writeHolder(f *os.File, text string) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(text), 0)
	return err
}

// describeHolder turns a lock file's text into the words naming its holder.
func describeHolder(text []byte) string {
	s := strings.TrimSpace(string(text))
	if s == "" {
		return "holder unknown"
	}
	return s
}

// release unlocks and closes the lock file; it is safe on nil. The file
// stays, unless the run wrote nothing beside it into a directory
// lockRunDir created (a run that failed its checks): then the lock file and
// the directories it created go, leaving no trace.
func (l *runLock) release() {
	if l == nil || l.f == nil {
		return
	}
	l.removeIfUntouched()
	unix.Flock(int(l.f.Fd()), unix.LOCK_UN)
	l.f.Close()
	l.f = nil
}

// removeIfUntouched removes the lock file and the directories lockRunDir
// created when the run directory holds nothing else.
func (l *runLock) removeIfUntouched() {
	if len(l.created) == 0 {
		return
	}
	entries, err := os.ReadDir(l.created[0])
	if err != nil || len(entries) != 1 || entries[0].Name() != LockFile {
		return
	}
	if os.Remove(filepath.Join(l.created[0], LockFile)) != nil {
		return
	}
	for _, d := range l.created {
		if os.Remove(d) != nil {
			return
		}
	}
}
