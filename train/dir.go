package train

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/gibbsml/gibbs/internal/atomicfile"
)

// File names inside a run folder.
const (
	ConfigFile     = "config.json"
	MetricsFile    = "metrics.jsonl"
	CheckpointFile = "checkpoint.safetensors"
	LockFile       = ".lock"
)

// Dir is a run folder held by this process: while it is open no other
// Dir, in this process or another, can be opened on the same folder.
type Dir struct {
	Path string
	lock *os.File
	// metrics holds what Metrics has read of metrics.jsonl.
	metrics struct {
		sync.Mutex
		tail  *MetricsTail
		lines MetricsLog
	}
}

// OpenDir creates the folder at path if it is missing and takes its lock.
// It fails at once, without waiting, when another Dir holds the folder.
// Close releases the lock; a process that dies releases it too.
func OpenDir(path string) (*Dir, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("creating run folder: %w", err)
	}
	d := &Dir{Path: path}
	d.metrics.tail = NewMetricsTail(path, 0)
	lock, err := lockFile(d.File(LockFile))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	d.lock = lock
	return d, nil
}

// Close releases the folder's lock.
func (d *Dir) Close() error {
	if d.lock == nil {
		return nil
	}
	err := d.lock.Close()
	d.lock = nil
	return err
}

// File returns the path of a file in the run folder.
func (d *Dir) File(name string) string { return filepath.Join(d.Path, name) }

// HasCheckpoint reports whether the folder holds a checkpoint, that is a
// run that can be resumed.
func (d *Dir) HasCheckpoint() bool {
	_, err := os.Stat(d.File(CheckpointFile))
	return err == nil
}

// Reset removes the checkpoint and empties the metrics, so that a new run
// starts in the folder; the pictures stay until the new run replaces them.
// The empty metrics file is a new file, never the old one's identity, so
// that every MetricsTail (a dashboard's in another process too) starts
// over.
func (d *Dir) Reset() error {
	if err := os.Remove(d.File(CheckpointFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("resetting run folder: %w", err)
	}
	if err := atomicfile.WriteBytes(d.File(MetricsFile), nil); err != nil {
		return fmt.Errorf("resetting run folder: %w", err)
	}
	return nil
}

// WriteHeader stores h as indented JSON in config.json.
func (d *Dir) WriteHeader(h Header) error {
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding config: %w", err)
	}
	return atomicfile.WriteBytes(d.File(ConfigFile), append(b, '\n'))
}

// AppendMetrics adds v as one JSON line to metrics.jsonl.
func (d *Dir) AppendMetrics(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding metrics: %w", err)
	}
	f, err := os.OpenFile(d.File(MetricsFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("writing metrics: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("writing metrics: %w", err)
	}
	return f.Close()
}

// TrimMetrics drops the metrics lines of steps after step (written after
// the checkpoint a resumed run starts from) and any torn last line.
func (d *Dir) TrimMetrics(step int) error {
	if _, err := os.Stat(d.File(MetricsFile)); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	lines, _, err := NewMetricsTail(d.Path, 0).Read()
	if err != nil {
		return err
	}
	var keep bytes.Buffer
	for _, l := range lines {
		if l.Step <= float64(step) {
			keep.Write(l.raw)
			keep.WriteByte('\n')
		}
	}
	return atomicfile.WriteBytes(d.File(MetricsFile), keep.Bytes())
}

// Metrics returns the well-formed lines of metrics.jsonl so far (see
// MetricsTail.Read), reading and parsing only those appended since the
// last call: the Dir keeps the lines it has read, and starts over when the
// file is replaced, shortened or removed (Reset and TrimMetrics replace
// it).
// The lines are shared between calls and must not be modified. Metrics
// may be called from several goroutines, while AppendMetrics writes.
func (d *Dir) Metrics() (MetricsLog, error) {
	m := &d.metrics
	m.Lock()
	defer m.Unlock()
	lines, reset, err := m.tail.Read()
	if reset {
		m.lines = nil
	}
	for i := range lines {
		lines[i].raw = nil // TrimMetrics reads the file anew
	}
	m.lines = append(m.lines, lines...)
	return m.lines[:len(m.lines):len(m.lines)], err
}

// ErrLocked is returned by OpenDir when another process, or another Dir
// of this one, is writing the run folder.
var ErrLocked = errors.New("another process is writing this run folder (it is locked); wait for it to end or choose another --out")
