package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/dashboard"
)

func TestDashboardBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"dashboard"}, "which runs?"},
		{[]string{"dashboard", "--run", filepath.Join(dir, "missing")}, "no such file"},
		{[]string{"dashboard", "--run", dir, "--run", dir}, "given twice"},
		{[]string{"dashboard", "--run", dir, "--addr", "0.0.0.0:0"}, "only on this machine's loopback address"},
		{[]string{"dashboard", "--run", dir, "--addr", "8090"}, "want 127.0.0.1:PORT"},
		{smallRun(filepath.Join(dir, "run"), 10, "--dashboard", ":0"), "--dashboard: dashboard address"},
	} {
		status, _, errOut := runCLI(c.args...)
		if status != 2 || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: status %d, stderr %q; want 2 and one line with %q", c.args, status, errOut, c.want)
		}
	}
}

// Every training command has --dashboard and --tfevents.
func TestTrainKindsHaveDashboard(t *testing.T) {
	for _, k := range trainKinds {
		status, out, _ := runCLI("train", k.name, "--help")
		if status != 0 || !strings.Contains(out, "-dashboard") || !strings.Contains(out, "-tfevents") {
			t.Errorf("gibbs train %s --help: status %d, no -dashboard or -tfevents in %q", k.name, status, out)
		}
	}
}

// A run trained with --dashboard prints the page's address, and so does
// its resume, which may set --dashboard and --tfevents anew.
func TestTrainWithDashboard(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	address := regexp.MustCompile(`dashboard at http://127\.0\.0\.1:\d+/`)
	for _, args := range [][]string{
		smallRun(dir, 10, "--dashboard", "127.0.0.1:0"),
		{"train", "ebm", "--quiet", "--resume", "--out", dir, "--steps", "20", "--dashboard", "127.0.0.1:0", "--tfevents"},
	} {
		status, out, errOut := runCLI(args...)
		if status != 0 || !address.MatchString(out) {
			t.Errorf("%q: status %d, output %q %q; want the dashboard's address", args, status, out, errOut)
		}
	}
	// The event file holds the metrics of all 20 steps, with the last.
	events, err := os.ReadFile(filepath.Join(dir, dashboard.TFEventsFile))
	if err != nil || !bytes.Contains(events, []byte("brain.Event:2")) || !bytes.Contains(events, []byte("\x10\x14")) {
		t.Errorf("%s: %d bytes (%v), want the file version and step 20", dashboard.TFEventsFile, len(events), err)
	}
}

// 'gibbs dashboard' serves the page and the event stream of its runs
// until interrupted, then exits with status 0.
func TestDashboardCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if status, _, errOut := runCLI(smallRun(dir, 10)...); status != 0 {
		t.Fatalf("training: status %d, %s", status, errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		var errOut strings.Builder
		status := run(ctx, []string{"dashboard", "--run", dir, "--addr", "127.0.0.1:0"}, pw, &errOut)
		pw.Close()
		done <- status
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	url := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`).FindString(line)
	if err != nil || url == "" {
		t.Fatalf("first line %q (%v), want the page's address", line, err)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "gibbs dashboard") {
		t.Errorf("GET %s: status %d, page %.100q", url, resp.StatusCode, page)
	}
	resp, err = http.Get(url + "events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewScanner(resp.Body)
	var metrics string
	for metrics == "" && events.Scan() {
		if strings.Contains(events.Text(), `"lines":[`) {
			metrics = events.Text()
		}
	}
	if !strings.Contains(metrics, `"step":10`) {
		t.Errorf("the event stream's metrics %.200q lack step 10", metrics)
	}
	cancel()
	if status := <-done; status != 0 {
		t.Errorf("interrupted dashboard: status %d, want 0", status)
	}
}
