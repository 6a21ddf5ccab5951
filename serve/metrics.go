package serve

import (
	"bufio"
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// latencyBuckets are the upper bounds, in seconds, of the latency
// histogram's buckets.
var latencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// metrics counts requests for GET /metrics, in Prometheus' text format:
// requests by model and status, the latency of inference requests by
// model, and the requests in flight.
type metrics struct {
	known    []string // model names; other names count as ""
	inFlight atomic.Int64

	mu       sync.Mutex
	requests map[requestKey]uint64
	latency  map[string]*histogram // by model
}

type requestKey struct {
	model string
	code  int
}

// histogram counts observations per bucket (the last one is +Inf).
type histogram struct {
	counts []uint64
	sum    float64
	count  uint64
}

func newMetrics(models []string) *metrics {
	return &metrics{known: models, requests: map[requestKey]uint64{}, latency: map[string]*histogram{}}
}

// statusWriter remembers the status a handler answers with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// instrument counts every request h answers.
func (m *metrics) instrument(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Add(1)
		defer m.inFlight.Add(-1)
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		model := r.PathValue("name")
		if !slices.Contains(m.known, model) {
			model = ""
		}
		infer := r.Method == http.MethodPost && model != ""
		m.observe(model, sw.status, infer, time.Since(start).Seconds())
	})
}

// observe counts one request, and its latency when it is an inference.
func (m *metrics) observe(model string, status int, infer bool, seconds float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{model, status}]++
	if !infer {
		return
	}
	h := m.latency[model]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets)+1)}
		m.latency[model] = h
	}
	i, _ := slices.BinarySearch(latencyBuckets, seconds)
	h.counts[i]++
	h.sum += seconds
	h.count++
}

// write is GET /metrics.
func (m *metrics) write(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	b := bufio.NewWriter(w)
	defer b.Flush()
	m.mu.Lock()
	defer m.mu.Unlock()

	fmt.Fprintln(b, "# HELP gibbs_requests_total HTTP requests answered, by model (empty: none) and status code.")
	fmt.Fprintln(b, "# TYPE gibbs_requests_total counter")
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b requestKey) int {
		if a.model != b.model {
			return cmp.Compare(a.model, b.model)
		}
		return a.code - b.code
	})
	for _, k := range keys {
		fmt.Fprintf(b, "gibbs_requests_total{model=%q,code=\"%d\"} %d\n", k.model, k.code, m.requests[k])
	}

	fmt.Fprintln(b, "# HELP gibbs_inference_duration_seconds Time to answer an inference request, by model.")
	fmt.Fprintln(b, "# TYPE gibbs_inference_duration_seconds histogram")
	for _, name := range m.known {
		h := m.latency[name]
		if h == nil {
			continue
		}
		var cum uint64
		for i, c := range h.counts {
			cum += c
			le := "+Inf"
			if i < len(latencyBuckets) {
				le = strconv.FormatFloat(latencyBuckets[i], 'g', -1, 64)
			}
			fmt.Fprintf(b, "gibbs_inference_duration_seconds_bucket{model=%q,le=%q} %d\n", name, le, cum)
		}
		fmt.Fprintf(b, "gibbs_inference_duration_seconds_sum{model=%q} %g\n", name, h.sum)
		fmt.Fprintf(b, "gibbs_inference_duration_seconds_count{model=%q} %d\n", name, h.count)
	}

	fmt.Fprintln(b, "# HELP gibbs_requests_in_flight HTTP requests being answered now.")
	fmt.Fprintln(b, "# TYPE gibbs_requests_in_flight gauge")
	fmt.Fprintf(b, "gibbs_requests_in_flight %d\n", m.inFlight.Load())
}
