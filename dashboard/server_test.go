package dashboard

import (
	"bufio"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gibbsml/gibbs/train"
)

// poll is the folders' polling interval in the tests.
const poll = 10 * time.Millisecond

// received is one event of a stream, its data still encoded.
type received struct {
	name string
	data string
}

// stream reads the events of GET /events on a test server.
type stream struct {
	t      *testing.T
	events chan received
}

// openStream connects to the event stream of srv; the stream is closed
// when the test ends.
func openStream(t *testing.T, srv *httptest.Server) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("GET /events: Content-Type %q, want text/event-stream", ct)
	}
	s := &stream{t: t, events: make(chan received, 100)}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<24)
		var e received
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				e.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				e.data = strings.TrimPrefix(line, "data: ")
			case line == "" && e.name != "":
				s.events <- e
				e = received{}
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		resp.Body.Close()
	})
	return s
}

// next returns the data of the next event named name, decoded into v,
// skipping events of other names; it fails the test after a second.
func (s *stream) next(name string, v any) {
	s.t.Helper()
	timeout := time.After(time.Second)
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				s.t.Fatalf("stream ended waiting for a %q event", name)
			}
			if e.name != name {
				continue
			}
			if err := json.Unmarshal([]byte(e.data), v); err != nil {
				s.t.Fatalf("%s event %s: %v", name, e.data, err)
			}
			return
		case <-timeout:
			s.t.Fatalf("no %q event within a second", name)
		}
	}
}

// none checks that no event named name comes during a few polls.
func (s *stream) none(name string) {
	s.t.Helper()
	timeout := time.After(8 * poll)
	for {
		select {
		case e := <-s.events:
			if e.name == name {
				s.t.Fatalf("unexpected %s event: %s", name, e.data)
			}
		case <-timeout:
			return
		}
	}
}

// newRun makes a run folder with a config.json and the metrics lines
// given.
func newRun(t *testing.T, lines ...train.Metrics) *train.Dir {
	t.Helper()
	d, err := train.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	h, err := train.NewHeader("test", map[string]any{"lr": 0.01})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteHeader(h); err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if err := d.AppendMetrics(l); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// serve starts a test server of the run folders on the loopback address.
func serve(t *testing.T, dirs ...*train.Dir) *httptest.Server {
	t.Helper()
	paths := make([]string, len(dirs))
	for i, d := range dirs {
		paths[i] = d.Path
	}
	s, err := New(paths...)
	if err != nil {
		t.Fatal(err)
	}
	s.Poll = poll
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// appendFile appends text to a file of the run folder as it is, without
// a newline of its own.
func appendFile(t *testing.T, d *train.Dir, name, text string) {
	t.Helper()
	f, err := os.OpenFile(d.File(name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// steps returns the steps of the lines of a metrics event.
func steps(e metricsEvent) []float64 {
	var s []float64
	for _, l := range e.Lines {
		s = append(s, l["step"].(float64))
	}
	return s
}

func TestStreamFollowsMetrics(t *testing.T) {
	d := newRun(t, train.Metrics{"step": 1, "loss": 1.5})
	s := openStream(t, serve(t, d))

	var runs []runInfo
	s.next("runs", &runs)
	if len(runs) != 1 || runs[0].Path != d.Path {
		t.Fatalf("runs event %+v, want the one folder %s", runs, d.Path)
	}
	var cfg configEvent
	s.next("config", &cfg)
	if cfg.Kind != "test" || string(cfg.Config) != `{"lr":0.01}` {
		t.Fatalf("config event %+v", cfg)
	}
	var m metricsEvent
	s.next("metrics", &m)
	if !slices.Equal(steps(m), []float64{1}) || m.Lines[0]["loss"] != 1.5 || m.Reset {
		t.Fatalf("first metrics event %+v, want the line of step 1", m)
	}

	// A line appended arrives as an event.
	if err := d.AppendMetrics(train.Metrics{"step": 2, "loss": 1.25}); err != nil {
		t.Fatal(err)
	}
	s.next("metrics", &m)
	if !slices.Equal(steps(m), []float64{2}) || m.Lines[0]["loss"] != 1.25 {
		t.Fatalf("metrics event %+v, want the line of step 2", m)
	}

	// A torn line waits for its newline.
	appendFile(t, d, train.MetricsFile, `{"step":3,"lo`)
	s.none("metrics")
	appendFile(t, d, train.MetricsFile, `ss":1}`+"\n"+`{"step":4,"loss":0.5}`+"\n")
	s.next("metrics", &m)
	if !slices.Equal(steps(m), []float64{3, 4}) || m.Lines[0]["loss"] != 1.0 {
		t.Fatalf("metrics event %+v, want the lines of steps 3 and 4", m)
	}

	// A resumed run trims its metrics (the file is replaced): the page
	// gets them again from the start.
	if err := d.TrimMetrics(2); err != nil {
		t.Fatal(err)
	}
	s.next("metrics", &m)
	if !m.Reset || !slices.Equal(steps(m), []float64{1, 2}) {
		t.Fatalf("metrics event %+v, want a reset with steps 1 and 2", m)
	}
}

func TestStreamSeveralRuns(t *testing.T) {
	a := newRun(t, train.Metrics{"step": 1, "loss": 1})
	b := newRun(t) // not started: no metrics yet
	s := openStream(t, serve(t, a, b))
	var runs []runInfo
	s.next("runs", &runs)
	if len(runs) != 2 || runs[0].Path != a.Path || runs[1].Path != b.Path {
		t.Fatalf("runs event %+v, want %s and %s", runs, a.Path, b.Path)
	}
	var m metricsEvent
	s.next("metrics", &m)
	if m.Run != 0 || !slices.Equal(steps(m), []float64{1}) {
		t.Fatalf("metrics event %+v, want step 1 of run 0", m)
	}
	if err := b.AppendMetrics(train.Metrics{"step": 7, "loss": 2}); err != nil {
		t.Fatal(err)
	}
	s.next("metrics", &m)
	if m.Run != 1 || !slices.Equal(steps(m), []float64{7}) {
		t.Fatalf("metrics event %+v, want step 7 of run 1", m)
	}
}

// writePNG writes a w×1 PNG picture into the run folder.
func writePNG(t *testing.T, d *train.Dir, name string, w int) {
	t.Helper()
	f, err := os.Create(d.File(name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, image.NewGray(image.Rect(0, 0, w, 1))); err != nil {
		t.Fatal(err)
	}
}

func TestPictures(t *testing.T) {
	d := newRun(t)
	writePNG(t, d, "energy.png", 1)
	appendFile(t, d, ".energy.png.tmp-1", "half a picture")
	srv := serve(t, d)
	s := openStream(t, srv)
	var p picturesEvent
	s.next("pictures", &p)
	if len(p.Pictures) != 1 || p.Pictures[0].Name != "energy.png" {
		t.Fatalf("pictures event %+v, want energy.png alone", p)
	}
	first := p.Pictures[0].Version

	// A picture rewritten is announced with a new version.
	writePNG(t, d, "energy.png", 3)
	s.next("pictures", &p)
	if len(p.Pictures) != 1 || p.Pictures[0].Version == first {
		t.Fatalf("pictures event %+v after a rewrite, want a version other than %s", p, first)
	}

	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/runs/0/energy.png", http.StatusOK},
		{"/runs/0/config.json", http.StatusNotFound},
		{"/runs/0/..%2fconfig.json", http.StatusNotFound},
		{"/runs/0/.energy.png.tmp-1", http.StatusNotFound},
		{"/runs/0/missing.png", http.StatusNotFound},
		{"/runs/1/energy.png", http.StatusNotFound},
		{"/runs/x/energy.png", http.StatusNotFound},
	} {
		resp, err := srv.Client().Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("GET %s: status %d, want %d", tc.path, resp.StatusCode, tc.status)
			continue
		}
		if tc.status != http.StatusOK {
			continue
		}
		img, err := png.Decode(strings.NewReader(string(body)))
		if resp.Header.Get("Content-Type") != "image/png" || err != nil || img.Bounds().Dx() != 3 {
			t.Errorf("GET %s: %s, decoded: %v, want the rewritten 3×1 PNG", tc.path, resp.Header.Get("Content-Type"), err)
		}
	}
}

func TestPage(t *testing.T) {
	srv := serve(t, newRun(t))
	for _, tc := range []struct {
		path, contentType, contains string
	}{
		{"/", "text/html", "static/uPlot.iife.min.js"},
		{"/static/dashboard.js", "text/javascript", "EventSource"},
		{"/static/uPlot.iife.min.js", "text/javascript", "uPlot (v1.6.32)"},
		{"/static/uPlot.min.css", "text/css", ".uplot"},
		{"/static/dashboard.css", "text/css", ".charts"},
	} {
		resp, err := srv.Client().Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.contentType) || !strings.Contains(string(body), tc.contains) {
			t.Errorf("GET %s: status %d, %s, want 200, %s with %q", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.contentType, tc.contains)
		}
	}
}

// A request that names another host is refused, even on the loopback
// address.
func TestOtherHostRefused(t *testing.T) {
	srv := serve(t, newRun(t))
	for _, tc := range []struct {
		host   string
		status int
	}{
		{"", http.StatusOK}, // the test server's own 127.0.0.1:PORT
		{"localhost:8090", http.StatusOK},
		{"[::1]:8090", http.StatusOK},
		{"evil.example:8090", http.StatusForbidden},
		{"192.168.1.1", http.StatusForbidden},
	} {
		req, err := http.NewRequest("GET", srv.URL+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		if tc.host != "" {
			req.Host = tc.host
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("Host %q: status %d, want %d", tc.host, resp.StatusCode, tc.status)
		}
	}
}

func TestNew(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		paths []string
		err   string // "" for none
	}{
		{[]string{dir}, ""},
		{nil, "no run folder"},
		{[]string{filepath.Join(dir, "missing")}, "no such file"},
		{[]string{file}, "is not a folder"},
		{[]string{dir, dir + "/"}, "given twice"},
	} {
		_, err := New(tc.paths...)
		if (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("New(%q): %v, want an error with %q", tc.paths, err, tc.err)
		}
	}
}

func TestListenOnlyOnLoopback(t *testing.T) {
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:0", true},
		{"localhost:0", true},
		{":0", false},
		{"0.0.0.0:0", false},
		{"192.168.1.1:0", false},
		{"example.com:80", false},
		{"127.0.0.1", false},
	} {
		ln, err := Listen(tc.addr)
		if err == nil {
			ln.Close()
		}
		if (err == nil) != tc.ok {
			t.Errorf("Listen(%q): %v, want ok %v", tc.addr, err, tc.ok)
		}
	}
}

// Serve ends its streams and returns when its context is done, after a
// last look at the folders.
func TestServeStops(t *testing.T) {
	d := newRun(t)
	s, err := New(d.Path)
	if err != nil {
		t.Fatal(err)
	}
	s.Poll = time.Hour // only the first and the last look
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	if line, err := r.ReadString('\n'); err != nil || line != "event: runs\n" {
		t.Fatalf("first line %q (%v), want the runs event", line, err)
	}
	if err := d.AppendMetrics(train.Metrics{"step": 1}); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Serve did not return within 3 s of its context's end")
	}
	rest, _ := io.ReadAll(r)
	if !strings.Contains(string(rest), `"lines":[{"step":1}]`) {
		t.Errorf("the stream's end %q lacks the last metrics line", rest)
	}
}
