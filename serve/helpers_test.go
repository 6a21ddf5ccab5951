package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/gibbsml/gibbs/ae"
	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/ebm"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// runsRoot holds the tiny runs the tests serve, trained once by TestMain:
// ebm (a ring of 8 Gaussians, 10 steps), ae and vae (moons, one epoch).
var runsRoot string

func TestMain(m *testing.M) {
	root, err := os.MkdirTemp("", "gibbs-serve-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	runsRoot = root
	err = trainRuns(root)
	code := 1
	if err == nil {
		code = m.Run()
	} else {
		fmt.Fprintln(os.Stderr, "training the test runs:", err)
	}
	os.RemoveAll(root)
	os.Exit(code)
}

// trainRuns trains the test runs under root.
func trainRuns(root string) error {
	ctx := context.Background()
	in := func(name string, f func(*train.Dir) error) error {
		dir, err := train.OpenDir(filepath.Join(root, name))
		if err != nil {
			return err
		}
		defer dir.Close()
		return f(dir)
	}
	err := in("ebm", func(dir *train.Dir) error {
		cfg := ebm.DefaultConfig()
		// Score matching needs no sampler; an evaluation (pictures) only
		// after step 1000, never.
		cfg.Loss, cfg.Steps, cfg.EvalEvery, cfg.CheckpointEvery = "dsm", 10, 1000, 10
		cfg.Hidden, cfg.TrainSize = []int{16, 16}, 1000
		_, err := ebm.Train(ctx, dir, cfg, ebm.Options{})
		return err
	})
	if err != nil {
		return err
	}
	moons := func(n int, seed uint64) *data.Set {
		x, _ := data.Toy("moons", n, tensor.NewRNG(seed))
		return &data.Set{Name: "moons", X: x, Shape: []int{2}}
	}
	opts := ae.Options{Train: moons(128, 1), Test: moons(32, 2)}
	common := func(c *ae.Common) {
		c.Data, c.Hidden, c.Latent, c.Epochs, c.Batch, c.CheckpointEvery = "moons", []int{16}, 2, 1, 32, 100
	}
	err = in("ae", func(dir *train.Dir) error {
		cfg := ae.DefaultAEConfig()
		common(&cfg.Common)
		_, err := ae.TrainAE(ctx, dir, cfg, opts)
		return err
	})
	if err != nil {
		return err
	}
	return in("vae", func(dir *train.Dir) error {
		cfg := ae.DefaultVAEConfig()
		common(&cfg.Common)
		cfg.IWAEK = 0
		_, err := ae.TrainVAE(ctx, dir, cfg, opts)
		return err
	})
}

// runPath returns the folder of a test run.
func runPath(name string) string { return filepath.Join(runsRoot, name) }

// openRun opens a test run as train.Open does.
func openRun(t testing.TB, name string) train.Model {
	t.Helper()
	m, err := train.Open(runPath(name))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// start serves the named test runs on a loopback port under cfg and
// returns the base URL; the server shuts down gracefully when the test
// ends, and the test fails if that goes wrong.
func start(t testing.TB, cfg Config, names ...string) (string, *Server) {
	t.Helper()
	var models []*Model
	for _, name := range names {
		m, err := NewModel(name, openRun(t, name))
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, m)
	}
	return startModels(t, cfg, models...)
}

// startModels serves models on a loopback port.
func startModels(t testing.TB, cfg Config, models ...*Model) (string, *Server) {
	t.Helper()
	s, err := New(cfg, models...)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + l.Addr().String(), s
}

// post sends body to url and returns the status and the answer's body.
func post(t testing.TB, url string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// get fetches url and returns the status and body.
func get(t testing.TB, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// rowsRequest is the body of a request with rows x ([N, D]) as input.
func rowsRequest(x *tensor.Tensor, outputs ...string) []byte {
	req := map[string]any{"inputs": []map[string]any{{
		"name": InputName, "datatype": "FP32", "shape": x.Shape(), "data": x.Data(),
	}}}
	if len(outputs) > 0 {
		var os []map[string]string
		for _, o := range outputs {
			os = append(os, map[string]string{"name": o})
		}
		req["outputs"] = os
	}
	b, _ := json.Marshal(req)
	return b
}

// answer is an inference answer with FP32 outputs.
type answer struct {
	ModelName string `json:"model_name"`
	Outputs   []struct {
		Name     string    `json:"name"`
		Datatype string    `json:"datatype"`
		Shape    []int     `json:"shape"`
		Data     []float32 `json:"data"`
	} `json:"outputs"`
}

// infer posts body to the model's infer endpoint and decodes a 200 answer.
func infer(t testing.TB, base, model string, body []byte) answer {
	t.Helper()
	status, b := post(t, base+"/v2/models/"+model+"/infer", body)
	if status != http.StatusOK {
		t.Fatalf("infer %s: status %d: %s", model, status, b)
	}
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("infer %s: %v: %s", model, err, b)
	}
	return a
}

// sameBits fails unless got and want hold the same float32 values bit for
// bit.
func sameBits(t testing.TB, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: value %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}
