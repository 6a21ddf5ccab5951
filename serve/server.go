package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gibbsml/gibbs/train"
)

// Config sets a Server's limits. Zero fields take DefaultConfig's values.
type Config struct {
	MaxBody  int64 // bytes of a request body; a larger one gets 413
	MaxBatch int   // rows of an input, or samples of a request; more get 413
	// MaxSampleSteps bounds the steps parameter of a request for samples.
	MaxSampleSteps int
	Workers        int // requests computing at once
	Queue          int // requests waiting for a worker; one more gets 503
	// ReadHeaderTimeout and ReadTimeout bound the time a client takes to
	// send its headers and its whole request (a slow body gets 408);
	// WriteTimeout the time from the end of the headers to the end of the
	// answer; IdleTimeout how long a kept-alive connection waits.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// DrainDelay is how long Serve, once told to stop, answers ready with
	// 503 (for load balancers to notice) before it closes the listener;
	// ShutdownTimeout how long it then waits for requests in flight.
	DrainDelay, ShutdownTimeout time.Duration
}

// DefaultConfig returns the limits of a Server: bodies up to 32 MiB,
// batches of 4096 rows, 10000 sampler steps, one worker per CPU, 1024
// requests waiting, and timeouts of seconds.
func DefaultConfig() Config {
	return Config{
		MaxBody: 32 << 20, MaxBatch: 4096, MaxSampleSteps: 10000,
		Workers: runtime.GOMAXPROCS(0), Queue: 1024,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		ShutdownTimeout: 30 * time.Second,
	}
}

// withDefaults returns c with its zero fields set from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setDur := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	if c.MaxBody <= 0 {
		c.MaxBody = d.MaxBody
	}
	set(&c.MaxBatch, d.MaxBatch)
	set(&c.MaxSampleSteps, d.MaxSampleSteps)
	set(&c.Workers, d.Workers)
	set(&c.Queue, d.Queue)
	setDur(&c.ReadHeaderTimeout, d.ReadHeaderTimeout)
	setDur(&c.ReadTimeout, d.ReadTimeout)
	setDur(&c.WriteTimeout, d.WriteTimeout)
	setDur(&c.IdleTimeout, d.IdleTimeout)
	setDur(&c.ShutdownTimeout, d.ShutdownTimeout)
	return c
}

// Server answers Open Inference Protocol requests for a set of models.
// Its handler is safe for concurrent use.
type Server struct {
	cfg     Config
	models  map[string]*Model
	names   []string // sorted
	ready   atomic.Bool
	slots   chan struct{}
	waiting atomic.Int64
	metrics *metrics
	handler http.Handler
}

// New returns a server of models under the limits of cfg. Model names must
// differ.
func New(cfg Config, models ...*Model) (*Server, error) {
	if len(models) == 0 {
		return nil, errors.New("no model to serve")
	}
	cfg = cfg.withDefaults()
	s := &Server{cfg: cfg, models: map[string]*Model{}, slots: make(chan struct{}, cfg.Workers)}
	for _, m := range models {
		if _, dup := s.models[m.Name]; dup {
			return nil, fmt.Errorf("two models named %q (give each run its own name)", m.Name)
		}
		s.models[m.Name] = m
		s.names = append(s.names, m.Name)
	}
	slices.Sort(s.names)
	s.metrics = newMetrics(s.names)
	mux := http.NewServeMux()
	handle := func(method, pattern string, h http.HandlerFunc) {
		mux.HandleFunc(method+" "+pattern, h)
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", method)
			writeError(w, &requestError{http.StatusMethodNotAllowed, fmt.Sprintf("%s takes %s, not %s", r.URL.Path, method, r.Method)})
		})
	}
	handle("GET", "/v2", s.serverMetadata)
	handle("GET", "/v2/health/live", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	handle("GET", "/v2/health/ready", s.serverReady)
	for _, prefix := range []string{"/v2/models/{name}", "/v2/models/{name}/versions/{version}"} {
		handle("GET", prefix, s.modelMetadata)
		handle("GET", prefix+"/ready", s.modelReady)
		handle("POST", prefix+"/infer", s.infer)
	}
	handle("GET", "/metrics", s.metrics.write)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &requestError{http.StatusNotFound, fmt.Sprintf("no endpoint %s %s (see GET /v2)", r.Method, r.URL.Path)})
	})
	s.handler = s.metrics.instrument(mux)
	s.ready.Store(true)
	return s, nil
}

// Handler returns the server's HTTP handler, for use under another
// http.Server or httptest.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers requests on l until ctx is done, then shuts down
// gracefully: ready turns 503, the listener closes after DrainDelay, and
// the requests in flight finish (for up to ShutdownTimeout). It returns
// nil after a graceful shutdown.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
	failed := make(chan error, 1)
	go func() { failed <- srv.Serve(l) }()
	select {
	case err := <-failed:
		return err
	case <-ctx.Done():
	}
	s.ready.Store(false)
	time.Sleep(s.cfg.DrainDelay)
	stop, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(stop); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-failed; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) serverMetadata(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, serverMetadata{Name: "gibbs", Version: train.Version, Extensions: []string{}})
}

func (s *Server) serverReady(w http.ResponseWriter, _ *http.Request) {
	if !s.ready.Load() {
		writeError(w, &requestError{http.StatusServiceUnavailable, "shutting down"})
		return
	}
	w.WriteHeader(http.StatusOK)
}

// model returns the model the request's path names.
func (s *Server) model(r *http.Request) (*Model, error) {
	name := r.PathValue("name")
	if m, ok := s.models[name]; ok {
		return m, nil
	}
	return nil, &requestError{http.StatusNotFound, fmt.Sprintf("unknown model %q (have: %s)", name, strings.Join(s.names, ", "))}
}

func (s *Server) modelMetadata(w http.ResponseWriter, r *http.Request) {
	m, err := s.model(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, m.metadata())
}

func (s *Server) modelReady(w http.ResponseWriter, r *http.Request) {
	if _, err := s.model(r); err != nil {
		writeError(w, err)
		return
	}
	s.serverReady(w, r)
}

// infer is POST /v2/models/{name}/infer.
func (s *Server) infer(w http.ResponseWriter, r *http.Request) {
	out, err := s.answer(w, r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// answer reads, checks and runs an inference request.
func (s *Server) answer(w http.ResponseWriter, r *http.Request) (*inferResponse, error) {
	m, err := s.model(r)
	if err != nil {
		return nil, err
	}
	req, err := s.readRequest(w, r)
	if err != nil {
		return nil, err
	}
	c, heads, err := s.decode(m, req)
	if err != nil {
		return nil, err
	}
	if err := s.acquire(r.Context()); err != nil {
		return nil, err
	}
	defer func() { <-s.slots }()
	outputs, err := run(c, heads)
	if err != nil {
		return nil, err
	}
	outputs = pick(outputs, req.Outputs)
	return &inferResponse{ModelName: m.Name, ID: req.ID, Outputs: outputs}, nil
}

// acquire waits for a worker's slot, or fails with 503 when the queue is
// full and with 408 when the client leaves.
func (s *Server) acquire(ctx context.Context) error {
	select {
	case s.slots <- struct{}{}:
		return nil
	default:
	}
	if s.waiting.Add(1) > int64(s.cfg.Queue) {
		s.waiting.Add(-1)
		return &requestError{http.StatusServiceUnavailable, fmt.Sprintf("server busy: %d requests computing and %d waiting", s.cfg.Workers, s.cfg.Queue)}
	}
	defer s.waiting.Add(-1)
	select {
	case s.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return &requestError{http.StatusRequestTimeout, "the client left while the request waited"}
	}
}

// run computes the heads over c. A panic inside the math (a bug, or an
// input the checks missed) becomes a 500 answer; the server goes on.
func run(c *call, heads []head) (outputs []responseOutput, err error) {
	defer func() {
		if p := recover(); p != nil {
			outputs, err = nil, &requestError{http.StatusInternalServerError, fmt.Sprintf("the model failed on this request: %v", p)}
		}
	}()
	for _, h := range heads {
		o, err := h.run(c)
		if err != nil {
			return nil, err
		}
		outputs = append(outputs, o...)
	}
	return outputs, nil
}

// pick keeps the outputs the request names, in its order; all when it
// names none.
func pick(outputs []responseOutput, want []requestOutput) []responseOutput {
	if len(want) == 0 {
		return outputs
	}
	picked := make([]responseOutput, 0, len(want))
	for _, w := range want {
		i := slices.IndexFunc(outputs, func(o responseOutput) bool { return o.Name == w.Name })
		picked = append(picked, outputs[i])
	}
	return picked
}

// requestError is a request the server refuses, with its status.
type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

// badRequest is a 400 error.
func badRequest(format string, a ...any) error {
	return &requestError{http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

// writeError answers {"error": ...} with err's status (500 for an error
// that is not a requestError).
func writeError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	var re *requestError
	if errors.As(err, &re) {
		status = re.status
	}
	writeJSON(w, status, errorBody{Error: err.Error()})
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
