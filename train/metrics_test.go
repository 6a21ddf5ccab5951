package train

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// steps returns the steps of lines.
func steps(lines []MetricsLine) []float64 {
	s := []float64{}
	for _, l := range lines {
		s = append(s, l.Step)
	}
	return s
}

// appendText appends s to the file at path, creating it if missing.
func appendText(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func TestMetricsTail(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, MetricsFile)
	replace := func(s string) { // as an atomic write does: a new file renamed over the old
		tmp := filepath.Join(dir, ".tmp")
		if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	for _, limit := range []int64{0, 7} {
		os.Remove(path)
		tl := NewMetricsTail(dir, limit)
		for _, tc := range []struct {
			what   string
			change func()
			steps  []float64
			reset  bool
		}{
			{"no file yet", func() {}, nil, false},
			{"a line", func() { appendText(t, path, "{\"step\":1}\n") }, []float64{1}, false},
			{"nothing new", func() {}, nil, false},
			{"a torn line", func() { appendText(t, path, `{"step":2,`) }, nil, false},
			{"the torn line completed, one not JSON, one without a step, one more", func() {
				appendText(t, path, "\"loss\":0.5}\nnot json\n{\"loss\":1}\n{\"step\":3}\n")
			}, []float64{2, 3}, false},
			{"replaced, longer", func() { replace("{\"step\":9}\n{\"step\":10}\n{\"step\":11}\n{\"step\":12}\n") }, []float64{9, 10, 11, 12}, true},
			{"truncated in place", func() { os.WriteFile(path, []byte("{\"step\":4}\n"), 0o644) }, []float64{4}, true},
			{"removed", func() { os.Remove(path) }, nil, true},
			{"still missing", func() {}, nil, false},
			{"back", func() { appendText(t, path, "{\"step\":5}\n") }, []float64{5}, false},
		} {
			tc.change()
			// A bounded tail takes what there is in several reads.
			var got []MetricsLine
			var reset bool
			var err error
			for more := true; more && err == nil; more = tl.info != nil && tl.off < tl.info.Size() {
				var lines []MetricsLine
				var r bool
				lines, r, err = tl.Read()
				got, reset = append(got, lines...), reset || r
			}
			if err != nil {
				t.Fatalf("limit %d, %s: %v", limit, tc.what, err)
			}
			if !slices.Equal(steps(got), append([]float64{}, tc.steps...)) || reset != tc.reset {
				t.Errorf("limit %d, %s: steps %v, reset %v; want %v, %v", limit, tc.what, steps(got), reset, tc.steps, tc.reset)
			}
		}
	}
	log := MetricsLog{{Step: 1, Metrics: Metrics{"loss": 0.5}}, {Step: 2, Metrics: Metrics{"nll": 3.0}}, {Step: 3, Metrics: Metrics{"loss": 0.25}}}
	if s, v := log.Series("loss"); !slices.Equal(s, []float64{1, 3}) || !slices.Equal(v, []float64{0.5, 0.25}) {
		t.Errorf("Series: %v %v", s, v)
	}
}

// TestMetricsSince checks that Since keeps the lines from the first of a
// step on, equal steps (a step's line and its evaluation's) included.
func TestMetricsSince(t *testing.T) {
	log := MetricsLog{{Step: 1}, {Step: 2}, {Step: 2}, {Step: 3}, {Step: 5}}
	for _, tc := range []struct {
		step float64
		want []float64
	}{
		{0, []float64{1, 2, 2, 3, 5}},
		{2, []float64{2, 2, 3, 5}},
		{4, []float64{5}},
		{6, []float64{}},
	} {
		if got := steps(log.Since(tc.step)); !slices.Equal(got, tc.want) {
			t.Errorf("Since(%v): steps %v, want %v", tc.step, got, tc.want)
		}
	}
}

// TestDirMetrics checks that a Dir's metrics start over whenever the file
// does: a resume's trim and a reset.
func TestDirMetrics(t *testing.T) {
	d, err := OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	write := func(from, to int) {
		for s := from; s <= to; s++ {
			if err := d.AppendMetrics(Metrics{"step": s, "loss": float64(s) / 10}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		what   string
		change func()
		steps  []float64
	}{
		{"no file", func() {}, []float64{}},
		{"three steps", func() { write(1, 3) }, []float64{1, 2, 3}},
		{"two more", func() { write(4, 5) }, []float64{1, 2, 3, 4, 5}},
		{"trimmed to 2 and resumed", func() {
			if err := d.TrimMetrics(2); err != nil {
				t.Fatal(err)
			}
			write(3, 3)
		}, []float64{1, 2, 3}},
		{"reset and a longer run", func() {
			if err := d.Reset(); err != nil {
				t.Fatal(err)
			}
			write(7, 12)
		}, []float64{7, 8, 9, 10, 11, 12}},
	} {
		tc.change()
		log, err := d.Metrics()
		if err != nil {
			t.Fatalf("%s: %v", tc.what, err)
		}
		if s, v := log.Series("loss"); !slices.Equal(steps(log), tc.steps) || !slices.Equal(s, tc.steps) || len(v) > 0 && v[0] != s[0]/10 {
			t.Errorf("%s: steps %v, loss %v at %v; want steps %v", tc.what, steps(log), v, s, tc.steps)
		}
	}
}

// TestResetSeenByTails checks that a tail of another reader (a dashboard)
// sees a Reset as one, even when the new run's file has grown past the old
// one's length before it looks again: Reset's file is a new file.
func TestResetSeenByTails(t *testing.T) {
	d, err := OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	tail := NewMetricsTail(d.Path, 0)
	for round, steps := range [][2]int{{1, 3}, {10, 20}} {
		if round > 0 {
			if err := d.Reset(); err != nil {
				t.Fatal(err)
			}
		}
		for s := steps[0]; s <= steps[1]; s++ {
			if err := d.AppendMetrics(Metrics{"step": s}); err != nil {
				t.Fatal(err)
			}
		}
		lines, reset, err := tail.Read()
		got := []float64{}
		for _, l := range lines {
			got = append(got, l.Step)
		}
		if err != nil || reset != (round > 0) || len(got) != steps[1]-steps[0]+1 || got[0] != float64(steps[0]) {
			t.Errorf("round %d: steps %v, reset %v, err %v", round, got, reset, err)
		}
	}
}

// TestDirMetricsConcurrent reads a Dir's metrics, and tails its file,
// from several goroutines while a run appends: every read sees the lines
// so far in order, none twice or missing (run with -race).
func TestDirMetricsConcurrent(t *testing.T) {
	d, err := OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const n = 300
	done := make(chan struct{})
	var wg sync.WaitGroup
	check := func(who string, got []float64) error {
		for i, s := range got {
			if s != float64(i+1) {
				return fmt.Errorf("%s: line %d has step %v", who, i, s)
			}
		}
		return nil
	}
	errs := make(chan error, 4)
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var tail *MetricsTail
			var tailed []float64
			if r == 3 { // a reader of its own, as the dashboard is
				tail = NewMetricsTail(d.Path, 64)
			}
			for finished := false; !finished; {
				select {
				case <-done:
					finished = true
				default:
				}
				var got []float64
				if tail != nil {
					lines, reset, err := tail.Read()
					if err != nil || reset {
						errs <- fmt.Errorf("tail: %v, reset %v", err, reset)
						return
					}
					tailed = append(tailed, steps(lines)...)
					got = tailed
				} else {
					log, err := d.Metrics()
					if err != nil {
						errs <- err
						return
					}
					got, _ = log.Series("step")
				}
				if err := check(fmt.Sprint("reader ", r), got); err != nil {
					errs <- err
					return
				}
				if finished && tail != nil && len(got) < n {
					finished = false // the bounded tail has more to take
				}
				if finished && len(got) != n {
					errs <- fmt.Errorf("reader %d: %d lines at the end, want %d", r, len(got), n)
				}
			}
		}()
	}
	for s := 1; s <= n; s++ {
		if err := d.AppendMetrics(Metrics{"step": s}); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
