package bench

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tc := range tests {
		if got := median(tc.xs); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.xs, got, tc.want)
		}
	}
}

// TestMeasure times a step of about 1 ms: INNER must make one repeat last
// at least MinTime, and every per-call time must be near 1 ms.
func TestMeasure(t *testing.T) {
	calls := 0
	step := func() {
		calls++
		time.Sleep(time.Millisecond)
	}
	cfg := Config{Warmup: 5 * time.Millisecond, MinTime: 20 * time.Millisecond, Repeats: 3}
	times, inner := Measure(step, cfg)
	if len(times) != 3 {
		t.Fatalf("%d repeats, want 3", len(times))
	}
	if inner < 2 || inner > 20 {
		t.Errorf("inner = %d, want 2..20 calls of >= 1 ms per 20 ms repeat", inner)
	}
	for _, s := range times {
		if s < 1e-3 || s > 50e-3 {
			t.Errorf("per-call time %v s, want about 1 ms", s)
		}
	}
	if calls < 3+3*inner {
		t.Errorf("%d calls, want at least 3 warm-up calls and %d timed", calls, 3*inner)
	}
}

// TestTimeRecord checks the fields and their order against the reference
// script's lines.
func TestTimeRecord(t *testing.T) {
	w := Workload{"fake", func(*Data) *Case {
		return &Case{
			Step: func() float32 { time.Sleep(time.Millisecond); return 0 },
			Work: 10, Unit: "things/s",
			Extra:  Record{{"batch", 10}},
			Finish: func(med float64) (Record, error) { return Record{{"per_s", 1 / med}}, nil },
		}
	}}
	r, err := Time(w, nil, Config{MinTime: 5 * time.Millisecond, Repeats: 2})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.Token() // {
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"bench", "value", "unit", "median_ms_per_call", "best", "worst", "spread_pct", "repeats", "inner", "allocs_per_call", "bytes_per_call", "batch", "per_s"}
	if !slices.Equal(keys, want) {
		t.Fatalf("keys %q, want %q", keys, want)
	}
	v, _ := r.Get("value")
	best, _ := r.Get("best")
	worst, _ := r.Get("worst")
	if !(worst.(float64) <= v.(float64) && v.(float64) <= best.(float64)) || v.(float64) > 10/1e-3 {
		t.Errorf("value %v, best %v, worst %v: want worst <= value <= best <= 10000", v, best, worst)
	}
}

func TestPeakRSS(t *testing.T) {
	kib, err := PeakRSS()
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if kib <= 0 {
		t.Errorf("PeakRSS = %d KiB, want > 0", kib)
	}
}

// Allocs counts what a step allocates: nothing, or one slice per call.
func TestAllocs(t *testing.T) {
	var keep []byte
	for _, tc := range []struct {
		name   string
		step   func()
		allocs float64
	}{
		{"none", func() {}, 0},
		{"one", func() { keep = make([]byte, 1<<16) }, 1},
	} {
		a, b := Allocs(tc.step, 4)
		if a != tc.allocs || (tc.allocs == 1) != (b >= 1<<16) {
			t.Errorf("%s: %v allocations, %v bytes per call", tc.name, a, b)
		}
	}
	_ = keep
}
