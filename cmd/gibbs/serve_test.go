package main

import (
	"bufio"
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// gibbs serve answers over HTTP and stops with status 0 on SIGTERM.
func TestServeAnswersAndStopsOnSIGTERM(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ring")
	if status, _, errOut := runCLI(smallRun(dir, 10)...); status != 0 {
		t.Fatalf("training: %s", errOut)
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "GIBBS_TEST_MAIN=serve --run "+dir+" --name ring --addr 127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatal("no line from gibbs serve")
	}
	first := lines.Text()
	_, url, ok := strings.Cut(first, "on http://")
	if !ok {
		t.Fatalf("first line %q names no address", first)
	}
	url, _, _ = strings.Cut(url, " ")
	resp, err := http.Post("http://"+url+"/models/ring/infer", "application/json",
		bytes.NewReader([]byte(`{"inputs":[{"name":"input","datatype":"FP32","shape":[1,2],"data":[0,0]}]}`)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("infer: status %d", resp.StatusCode)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("gibbs serve after SIGTERM: %v, want status 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("gibbs serve still runs 10 s after SIGTERM")
	}
}

func TestServeFlags(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve"}, "--run is required"},
		{[]string{"serve", "--run", dir, "--name", "a", "--name", "b"}, "2 --name for 1 --run"},
		{[]string{"serve", "--run", dir, "--workers", "0"}, "must be positive"},
		{[]string{"serve", "--run", dir}, "config.json"},
	} {
		status, _, errOut := runCLI(c.args...)
		if status != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: status %d, %q; want 2 and one line with %q", c.args, status, errOut, c.want)
		}
	}
}
