package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gibbsml/gibbs/serve"
	"github.com/gibbsml/gibbs/train"
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

// The server's energies are those gibbs score writes for the same rows,
// bit for bit.
func TestServeEqualsScore(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "ring")
	if status, _, errOut := runCLI(smallRun(dir, 10)...); status != 0 {
		t.Fatalf("training: %s", errOut)
	}
	rows := []float32{0.5, 0.2, 1, 0, -0.8, 0.6, 2.25, -1.5, 0, 0, -2.5, 2.75, 0.125, -0.375}
	var csv strings.Builder
	for i := 0; i < len(rows); i += 2 {
		fmt.Fprintf(&csv, "%v,%v\n", rows[i], rows[i+1])
	}
	input := writeFile(t, root, "rows.csv", []byte(csv.String()))
	scores := filepath.Join(root, "scores.csv")
	if status, _, errOut := runCLI("score", "--run", dir, "--input", input, "--out", scores); status != 0 {
		t.Fatalf("score: %s", errOut)
	}
	b, err := os.ReadFile(scores)
	if err != nil {
		t.Fatal(err)
	}
	var want []float32
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		v, err := strconv.ParseFloat(line, 32)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, float32(v))
	}

	m, err := train.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := serve.NewModel("ring", m)
	if err != nil {
		t.Fatal(err)
	}
	s, err := serve.New(serve.DefaultConfig(), sm)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	body, _ := json.Marshal(map[string]any{
		"inputs":  []map[string]any{{"name": "input", "datatype": "FP32", "shape": []int{len(rows) / 2, 2}, "data": rows}},
		"outputs": []map[string]any{{"name": "energy"}},
	})
	resp, err := http.Post(ts.URL+"/v2/models/ring/infer", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer struct {
		Outputs []struct {
			Name string    `json:"name"`
			Data []float32 `json:"data"`
		} `json:"outputs"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("infer: status %d, %v", resp.StatusCode, err)
	}
	got := answer.Outputs[0].Data
	if len(got) != len(want) {
		t.Fatalf("%d energies from the server, %d from score", len(got), len(want))
	}
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Errorf("row %d: server %v, score %v", i, got[i], want[i])
		}
	}
}
