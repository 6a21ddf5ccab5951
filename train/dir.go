package train

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

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
}

// OpenDir creates the folder at path if it is missing and takes its lock.
// It fails at once, without waiting, when another Dir holds the folder.
// Close releases the lock; a process that dies releases it too.
func OpenDir(path string) (*Dir, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("creating run folder: %w", err)
	}
	d := &Dir{Path: path}
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

// Reset removes the checkpoint and the metrics, so that a new run starts
// in the folder; the pictures stay until the new run replaces them.
func (d *Dir) Reset() error {
	for _, name := range []string{CheckpointFile, MetricsFile} {
		if err := os.Remove(d.File(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("resetting run folder: %w", err)
		}
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

// metricLine is one well-formed line of metrics.jsonl that has a step.
type metricLine struct {
	raw    []byte
	step   float64
	fields Metrics
}

// metricLines parses metrics.jsonl, skipping lines that are not JSON
// objects with a step (a line torn by a kill); a missing file has none.
func (d *Dir) metricLines() ([]metricLine, error) {
	b, err := os.ReadFile(d.File(MetricsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading metrics: %w", err)
	}
	var lines []metricLine
	for _, raw := range bytes.Split(b, []byte{'\n'}) {
		if fields, step, ok := ParseMetricsLine(raw); ok {
			lines = append(lines, metricLine{raw: raw, step: step, fields: fields})
		}
	}
	return lines, nil
}

// ParseMetricsLine decodes one line of metrics.jsonl (without its
// newline). ok is false for a line that is not a JSON object with a
// numeric step, such as a line torn by a kill.
func ParseMetricsLine(line []byte) (m Metrics, step float64, ok bool) {
	if json.Unmarshal(line, &m) != nil {
		return nil, 0, false
	}
	step, ok = m["step"].(float64)
	return m, step, ok
}

// TrimMetrics drops the metrics lines of steps after step (written after
// the checkpoint a resumed run starts from) and any torn last line.
func (d *Dir) TrimMetrics(step int) error {
	if _, err := os.Stat(d.File(MetricsFile)); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	lines, err := d.metricLines()
	if err != nil {
		return err
	}
	var keep bytes.Buffer
	for _, l := range lines {
		if l.step <= float64(step) {
			keep.Write(l.raw)
			keep.WriteByte('\n')
		}
	}
	return atomicfile.WriteBytes(d.File(MetricsFile), keep.Bytes())
}

// Series reads the metrics lines that carry key and returns their steps
// and values, in file order.
func (d *Dir) Series(key string) (steps, values []float64, err error) {
	lines, err := d.metricLines()
	for _, l := range lines {
		if v, ok := l.fields[key].(float64); ok {
			steps, values = append(steps, l.step), append(values, v)
		}
	}
	return steps, values, err
}

// ErrLocked is returned by OpenDir when another process, or another Dir
// of this one, is writing the run folder.
var ErrLocked = errors.New("another process is writing this run folder (it is locked); wait for it to end or choose another --out")
