package dashboard

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

//go:embed static
var static embed.FS

// Server serves the dashboard of a list of run folders.
type Server struct {
	runs []string
	// Poll is how often a stream checks the folders for new metrics
	// lines, pictures and configs.
	Poll time.Duration
	// KeepAlive is how long a stream stays silent before it sends a
	// comment, so that a page that went away is noticed.
	KeepAlive time.Duration
}

// New returns a server of the run folders at paths, which must exist; a
// folder without a run yet (no config.json) is shown once its run starts.
func New(paths ...string) (*Server, error) {
	if len(paths) == 0 {
		return nil, errors.New("dashboard: no run folder")
	}
	runs := make([]string, len(paths))
	for i, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("dashboard: run folder %w", err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("dashboard: run folder %s is not a folder", p)
		}
		runs[i] = filepath.Clean(p)
		for _, q := range runs[:i] {
			if q == runs[i] {
				return nil, fmt.Errorf("dashboard: run folder %s given twice", p)
			}
		}
	}
	return &Server{runs: runs, Poll: 250 * time.Millisecond, KeepAlive: 15 * time.Second}, nil
}

// Handler returns the handler of the dashboard's routes:
//
//	GET /                       the page
//	GET /static/...             its script, style and chart library
//	GET /events                 a stream of Server-Sent Events: "runs" first
//	                            (the folders, by index), then "config",
//	                            "metrics" and "pictures" events of each run
//	                            as its folder changes
//	GET /runs/{run}/{picture}   a PNG file of run number {run}
func (s *Server) Handler() http.Handler {
	files, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded folder is part of the binary
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, files, "index.html")
	})
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(files)))
	mux.HandleFunc("GET /events", s.events)
	mux.HandleFunc("GET /runs/{run}/{picture}", s.picture)
	return loopbackOnly(mux)
}

// loopbackOnly refuses requests whose Host is not a loopback address, so
// that a web page elsewhere cannot read the runs through a name of its
// own that resolves to this machine (DNS rebinding).
func loopbackOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			http.Error(w, fmt.Sprintf("host %q: the dashboard answers only on a loopback address such as 127.0.0.1", r.Host), http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// picture serves a PNG file of a run folder.
func (s *Server) picture(w http.ResponseWriter, r *http.Request) {
	run, err := strconv.Atoi(r.PathValue("run"))
	name := r.PathValue("picture")
	if err != nil || run < 0 || run >= len(s.runs) || !isPicture(name) {
		http.Error(w, fmt.Sprintf("no picture %q of run %q: want /runs/N/NAME.png with N below %d", name, r.PathValue("run"), len(s.runs)), http.StatusNotFound)
		return
	}
	// The page asks for a picture again, with a new query, when it is
	// rewritten; the browser should not keep a stale copy either.
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeFile(w, r, filepath.Join(s.runs[run], name))
}

// events streams the runs' changes as Server-Sent Events until the page
// goes away or the server stops. Every stream starts from the beginning:
// the runs, then everything in their folders so far.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	watches := make([]*runWatch, len(s.runs))
	infos := make([]runInfo, len(s.runs))
	for i, dir := range s.runs {
		watches[i] = newRunWatch(i, dir)
		infos[i] = runInfo{Run: i, Path: dir}
	}
	if writeEvent(w, event{"runs", infos}) != nil {
		return
	}
	ticker := time.NewTicker(s.Poll)
	defer ticker.Stop()
	quiet, done := time.Now(), false
	for {
		for _, rw := range watches {
			for _, e := range rw.poll() {
				if writeEvent(w, e) != nil {
					return
				}
				quiet = time.Now()
			}
		}
		if time.Since(quiet) >= s.KeepAlive {
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			quiet = time.Now()
		}
		if rc.Flush() != nil || done {
			return
		}
		select {
		case <-r.Context().Done():
			// One last look, so that a run that ends its dashboard
			// with its last step shows that step.
			done = true
		case <-ticker.C:
		}
	}
}

// writeEvent writes e in the event stream format.
func writeEvent(w http.ResponseWriter, e event) error {
	b, err := json.Marshal(e.data)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.name, b)
	return err
}

// Listen listens on addr, which must name a loopback address
// (127.0.0.1:PORT, localhost:PORT, [::1]:PORT; port 0 picks a free one):
// the dashboard shows the files of its runs to whoever reaches it, so it
// stays on this machine.
func Listen(addr string) (net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("dashboard address %q: want 127.0.0.1:PORT", addr)
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("dashboard address %q: the dashboard listens only on this machine's loopback address; want 127.0.0.1:PORT", addr)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	return ln, nil
}

// Serve serves the dashboard on ln until ctx is done, then closes its
// streams and returns nil; it returns an error if serving fails.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		// The streams end with ctx.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("dashboard: %w", err)
	case <-ctx.Done():
	}
	stop, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(stop); err != nil {
		srv.Close()
	}
	<-served
	return nil
}
