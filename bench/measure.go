package bench

import (
	"math"
	"runtime"
	"slices"
	"time"
)

// Config sets how a step is timed.
type Config struct {
	Warmup  time.Duration // warm-up before timing (and at least 3 calls)
	MinTime time.Duration // one timed repeat lasts at least this long
	Repeats int           // number of timed repeats, >= 1
}

// DefaultConfig returns the reference script's defaults: 1 s of warm-up,
// 7 repeats of at least 0.5 s.
func DefaultConfig() Config {
	return Config{Warmup: time.Second, MinTime: 500 * time.Millisecond, Repeats: 7}
}

// calibrateTime is how long the calibration batch of calls runs.
const calibrateTime = 50 * time.Millisecond

// Measure times step as configured and returns the seconds per call of each
// repeat and the number of calls per repeat.
func Measure(step func(), cfg Config) (perCall []float64, inner int) {
	end := time.Now().Add(cfg.Warmup)
	for n := 0; n < 3 || time.Now().Before(end); n++ {
		step()
	}
	t0 := time.Now()
	k := 0
	var dt time.Duration
	for dt < calibrateTime {
		step()
		k++
		dt = time.Since(t0)
	}
	per := dt.Seconds() / float64(k)
	inner = max(1, int(math.Ceil(cfg.MinTime.Seconds()/per)))
	perCall = make([]float64, cfg.Repeats)
	for r := range perCall {
		t0 := time.Now()
		for range inner {
			step()
		}
		perCall[r] = time.Since(t0).Seconds() / float64(inner)
	}
	return perCall, inner
}

// median returns the median of xs (the mean of the middle two for an even
// count, as Python's statistics.median).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Allocs runs step n times (n >= 1) after timing and returns the heap
// allocations and bytes allocated per call.
func Allocs(step func(), n int) (allocs, bytes float64) {
	n = max(n, 1)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		step()
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(n), float64(after.TotalAlloc-before.TotalAlloc) / float64(n)
}
