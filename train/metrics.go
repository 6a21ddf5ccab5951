package train

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// MetricsLine is one well-formed line of metrics.jsonl: a JSON object
// with a numeric step.
type MetricsLine struct {
	Step    float64
	Metrics Metrics // the whole object, its step included
	raw     []byte  // the line as written, without its newline
}

// MetricsLog is the well-formed lines of a run's metrics.jsonl, in file
// order.
type MetricsLog []MetricsLine

// Series returns the steps and values of the lines that carry key as a
// number, in file order.
func (l MetricsLog) Series(key string) (steps, values []float64) {
	for _, line := range l {
		if v, ok := line.Metrics[key].(float64); ok {
			steps, values = append(steps, line.Step), append(values, v)
		}
	}
	return steps, values
}

// Since returns the lines from the first whose step is at least step on.
// The steps of a run's log never decrease (a resumed run trims the lines
// after its checkpoint first), so it searches rather than scans.
func (l MetricsLog) Since(step float64) MetricsLog {
	i, _ := slices.BinarySearchFunc(l, step, func(line MetricsLine, s float64) int { return cmp.Compare(line.Step, s) })
	return l[i:]
}

// MetricsTail follows a run folder's metrics.jsonl as it grows by whole
// lines: each Read returns the lines completed since the one before. A
// last line without its newline yet (torn, or still being written) is
// held back until its newline arrives. A MetricsTail is for one goroutine
// at a time; Dir.Metrics shares one between goroutines.
type MetricsTail struct {
	path    string
	limit   int64       // most bytes one Read takes from the file; 0: no bound
	info    fs.FileInfo // of the file last read; nil before the first read
	off     int64       // bytes of the file read so far
	partial []byte      // bytes read after the last newline
}

// NewMetricsTail returns a tail of the metrics.jsonl of the run folder
// dir, at the file's beginning. limit bounds the bytes one Read takes from
// the file (0: all there is), so that a long file can be taken in parts.
func NewMetricsTail(dir string, limit int64) *MetricsTail {
	return &MetricsTail{path: filepath.Join(dir, MetricsFile), limit: limit}
}

// Read returns the well-formed lines completed since the last Read, in
// file order; lines that are not JSON objects with a numeric step, such as
// one torn by a kill, are skipped. reset is true when the file was
// replaced, shortened or removed since then (a resumed run trims its
// metrics, a new run in the folder removes them): the lines returned then
// start again from the file's beginning, and what was read before no
// longer holds. A missing file has no lines.
func (t *MetricsTail) Read() (lines []MetricsLine, reset bool, err error) {
	f, err := os.Open(t.path)
	if errors.Is(err, fs.ErrNotExist) {
		reset = t.info != nil
		t.info, t.off, t.partial = nil, 0, nil
		return nil, reset, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading metrics: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, false, fmt.Errorf("reading metrics: %w", err)
	}
	if t.info != nil && (!os.SameFile(t.info, info) || info.Size() < t.off) {
		reset = true
		t.off, t.partial = 0, nil
	}
	t.info = info
	n := info.Size() - t.off
	if t.limit > 0 {
		n = min(n, t.limit)
	}
	if n <= 0 {
		return nil, reset, nil
	}
	b := make([]byte, int64(len(t.partial))+n)
	copy(b, t.partial)
	got, err := f.ReadAt(b[len(t.partial):], t.off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, reset, fmt.Errorf("reading metrics %s: %w", t.path, err)
	}
	t.off += int64(got)
	b = b[:len(t.partial)+got]
	end := bytes.LastIndexByte(b, '\n')
	if end < 0 {
		t.partial = b
		return nil, reset, nil
	}
	t.partial = bytes.Clone(b[end+1:])
	for raw := range bytes.SplitSeq(b[:end], []byte{'\n'}) {
		if line, ok := parseMetricsLine(raw); ok {
			lines = append(lines, line)
		}
	}
	return lines, reset, nil
}

// parseMetricsLine decodes one line of metrics.jsonl (without its
// newline). ok is false for a line that is not a JSON object with a
// numeric step, such as a line torn by a kill.
func parseMetricsLine(raw []byte) (line MetricsLine, ok bool) {
	var m Metrics
	if json.Unmarshal(raw, &m) != nil {
		return MetricsLine{}, false
	}
	step, ok := m["step"].(float64)
	return MetricsLine{Step: step, Metrics: m, raw: raw}, ok
}
