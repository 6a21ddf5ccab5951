package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/checkpoint"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// runCLI runs a command line and returns its status, stdout and stderr.
func runCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	status := run(context.Background(), args, &out, &errOut)
	return status, out.String(), errOut.String()
}

func TestUsageAndBadInput(t *testing.T) {
	cases := []struct {
		args   []string
		status int
		want   string // in stdout for status 0, in stderr otherwise
	}{
		{nil, 0, "Commands:"},
		{[]string{"--help"}, 0, "demo"},
		{[]string{"--help"}, 0, "lista"},
		{[]string{"help", "help"}, 0, "Commands:"},
		{[]string{"version"}, 0, "gibbs " + train.Version},
		{[]string{"help", "demo"}, 0, "-steps"},
		{[]string{"demo", "--help"}, 0, "'gibbs train ebm' defaults to 128,128,128"},
		{[]string{"train", "ebm", "--help"}, 0, "-sampler"},
		{[]string{"help", "train", "ebm"}, 0, "-langevin-steps"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"train"}, 2, "which model?"},
		{[]string{"train", "vae2"}, 2, `unknown model kind "vae2"`},
		{[]string{"train", "ebm", "--stepz", "3"}, 2, "flag provided but not defined: -stepz"},
		{[]string{"train", "ebm", "--steps", "abc"}, 2, `invalid value "abc" for flag -steps`},
		{[]string{"train", "ebm", "--steps", "-4"}, 2, "--steps: must be positive"},
		{[]string{"train", "ebm", "--data", "moon"}, 2, `unknown dataset "moon"`},
		{[]string{"train", "ebm", "--loss", "hinje"}, 2, `unknown loss "hinje"`},
		{[]string{"train", "ebm", "--sampler", "gibbs"}, 2, `unknown sampler "gibbs"`},
		{[]string{"train", "ebm", "--reinit", "2"}, 2, "--reinit: must be in [0, 1]"},
		{[]string{"train", "ebm", "--langevin-steps", "0"}, 2, "--langevin-steps: must be positive for a contrastive loss"},
		{[]string{"train", "ebm", "--hidden", "12,x"}, 2, "want positive widths"},
		{[]string{"train", "ebm", "--loss", "energy"}, 2, "--loss: the energy loss has no contrastive term"},
		{[]string{"train", "ebm", "--alpha", "2"}, 2, "--alpha: does not apply to nll loss, replay sampler"},
		{[]string{"train", "ebm", "--loss", "hinge"}, 2, "--loss: the hinge loss is not a density estimator with negatives sampled from the model"},
		{[]string{"train", "ebm", "--sampler", "cd", "--jump-width", "0.1"}, 2, "--sampler: CD-k chains start at the data"},
		{[]string{"train", "ebm", "--loss", "dsm", "--buffer", "9"}, 2, "--buffer: does not apply to denoising score matching"},
		{[]string{"train", "ebm", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"train", "ebm", "--resume", "--out", "/nonexistent/run"}, 2, "reading run config"},
		{[]string{"sample"}, 2, "--run is required"},
		{[]string{"demo", "--steps", "0"}, 2, "--steps: must be positive"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			status, out, errOut := runCLI(c.args...)
			if status != c.status {
				t.Errorf("status %d, want %d (stderr %q)", status, c.status, errOut)
			}
			text := out
			if c.status != 0 {
				text = errOut
				if strings.Count(errOut, "\n") != 1 {
					t.Errorf("error is not one line: %q", errOut)
				}
			}
			if !strings.Contains(text, c.want) {
				t.Errorf("output %q lacks %q", text, c.want)
			}
		})
	}
}

// smallRun is a quick training configuration for tests. Its learning rate
// is constant: a cosine schedule spans --steps, so a run extended on resume
// would follow another schedule than one started with the longer --steps.
func smallRun(out string, steps int, extra ...string) []string {
	return append([]string{"train", "ebm", "--quiet", "--out", out, "--steps", strconv.Itoa(steps), "--lr-schedule", "constant",
		"--hidden", "16", "--batch", "32", "--langevin-steps", "3", "--train-size", "500",
		"--eval-every", "10", "--checkpoint-every", "10"}, extra...)
}

func TestTrainWritesRunFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	status, out, errOut := runCLI(smallRun(dir, 10)...)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	if !strings.Contains(out, "test NLL") {
		t.Errorf("summary missing: %q", out)
	}
	for _, f := range []string{"config.json", "metrics.jsonl", "checkpoint.safetensors", "energy.png", "samples.png", "loss.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	metrics, _ := os.ReadFile(filepath.Join(dir, "metrics.jsonl"))
	for _, key := range []string{`"test_nll"`, `"true_nll"`, `"modes_covered"`, `"loss"`} {
		if !bytes.Contains(metrics, []byte(key)) {
			t.Errorf("metrics lack %s", key)
		}
	}
	// Starting a new run over it is refused; it needs --resume.
	if status, _, errOut := runCLI(smallRun(dir, 10)...); status != 2 || !strings.Contains(errOut, "--resume") {
		t.Errorf("second run over the first: status %d, %q", status, errOut)
	}
	if status, _, errOut := runCLI("train", "ebm", "--resume", "--out", dir, "--lr", "0.1"); status != 2 || !strings.Contains(errOut, "cannot change") {
		t.Errorf("resume with a changed flag: status %d, %q", status, errOut)
	}
	if status, out, errOut := runCLI("sample", "--run", dir, "-n", "50", "--steps", "5"); status != 0 || !strings.Contains(out, "wrote 50 samples") {
		t.Errorf("sample: status %d, %q %q", status, out, errOut)
	}
	csvPath := filepath.Join(dir, "samples.csv")
	if status, _, errOut := runCLI("sample", "--run", dir, "-n", "7", "--steps", "2", "-o", csvPath); status != 0 {
		t.Fatalf("sample to CSV: status %d, %q", status, errOut)
	}
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(b)), "\n")
	for _, r := range rows {
		f := strings.Split(r, ",")
		_, e1 := strconv.ParseFloat(f[0], 64)
		_, e2 := strconv.ParseFloat(f[len(f)-1], 64)
		if len(f) != 2 || e1 != nil || e2 != nil {
			t.Errorf("CSV row %q, want two numbers", r)
		}
	}
	if len(rows) != 7 {
		t.Errorf("CSV of %d rows, want 7", len(rows))
	}
}

// TestResumeIsExact checks that a run stopped and resumed ends exactly
// where an uninterrupted run does: weights, optimizer state, replay
// buffer, RNG, HMC's step adaptation (stopped mid-warm-up) and the
// moving average of the weights all travel in the checkpoint.
func TestResumeIsExact(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra []string
	}{
		{"replay", nil},
		{"hmc", []string{"--sampler", "hmc", "--hmc-warmup", "15"}},
		{"ema", []string{"--ema", "0.9"}},
		{"grid25", []string{"--data", "grid25"}}, // its recipe's quadratic features
	} {
		t.Run(tc.name, func(t *testing.T) {
			whole := filepath.Join(t.TempDir(), "whole")
			parts := filepath.Join(t.TempDir(), "parts")
			if status, _, errOut := runCLI(smallRun(whole, 20, tc.extra...)...); status != 0 {
				t.Fatal(errOut)
			}
			if status, _, errOut := runCLI(smallRun(parts, 10, tc.extra...)...); status != 0 {
				t.Fatal(errOut)
			}
			if status, out, errOut := runCLI("train", "ebm", "--quiet", "--resume", "--out", parts, "--steps", "20"); status != 0 || !strings.Contains(out, "resuming") {
				t.Fatalf("resume: status %d %q %q", status, out, errOut)
			}
			a, ma, err := checkpoint.Load(filepath.Join(whole, "checkpoint.safetensors"))
			if err != nil {
				t.Fatal(err)
			}
			b, mb, err := checkpoint.Load(filepath.Join(parts, "checkpoint.safetensors"))
			if err != nil {
				t.Fatal(err)
			}
			if len(a) != len(b) {
				t.Fatalf("%d tensors vs %d", len(a), len(b))
			}
			for name, ta := range a {
				tb, ok := b[name]
				if !ok {
					t.Fatalf("resumed checkpoint lacks %s", name)
				}
				for i, v := range ta.Data() {
					if tb.Data()[i] != v {
						t.Fatalf("%s[%d]: %v uninterrupted, %v resumed", name, i, v, tb.Data()[i])
					}
				}
			}
			for k, v := range ma {
				if k != "config" && mb[k] != v {
					t.Errorf("metadata %s: %q uninterrupted, %q resumed", k, v, mb[k])
				}
			}
			la, _ := os.ReadFile(filepath.Join(whole, "metrics.jsonl"))
			lb, _ := os.ReadFile(filepath.Join(parts, "metrics.jsonl"))
			if !bytes.Equal(la, lb) {
				t.Errorf("metrics differ:\n%s\nvs\n%s", la, lb)
			}
		})
	}
}

// A shape error inside the math reaches the user as one line, not a
// stack dump.
func TestPanicBecomesOneLine(t *testing.T) {
	commands = append(commands, command{"shapes", "", func(context.Context, []string, io.Writer) error {
		tensor.Ones(2, 3).Matmul(tensor.Ones(2, 3))
		return nil
	}})
	defer func() { commands = commands[:len(commands)-1] }()
	status, _, errOut := runCLI("shapes")
	if status != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "Matmul") || !strings.Contains(errOut, "[2 3]") {
		t.Errorf("status %d, stderr %q", status, errOut)
	}
}

func TestTrainLISTA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lista")
	status, out, errOut := runCLI("train", "lista", "--quiet", "--steps", "100", "--depth", "2", "--train", "300", "--test", "100",
		"--target-iters", "300", "--out", dir)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	if !strings.Contains(out, "FISTA iterations as good as LISTA") {
		t.Errorf("no table in %q", out)
	}
	for _, f := range []string{"config.json", "metrics.jsonl", "checkpoint.safetensors", "lista.json", "lista.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	if status, _, errOut := runCLI("sample", "--run", dir); status != 2 || !strings.Contains(errOut, "run of kind lista, which cannot draw samples") {
		t.Errorf("sample of a lista run: status %d %q", status, errOut)
	}
	if status, out, errOut := runCLI("train", "lista", "--quiet", "--resume", "--out", dir); status != 0 || !strings.Contains(out, "is finished") {
		t.Errorf("resume of a finished lista run: status %d %q %q", status, out, errOut)
	}
	if status, _, errOut := runCLI("train", "lista", "--depth", "0"); status != 2 || !strings.Contains(errOut, "--depth: must be positive") {
		t.Errorf("bad depth: status %d %q", status, errOut)
	}
}

// A run that blows up stops with status 1 and a message naming the step,
// and keeps its last good checkpoint.
func TestDivergenceStopsAndKeepsCheckpoint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	status, _, errOut := runCLI(smallRun(dir, 50, "--lr", "10", "--max-energy", "100")...)
	if status != 1 || !strings.Contains(errOut, "training diverged at step") || !strings.Contains(errOut, "last good checkpoint, step 0") {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	ts, meta, err := checkpoint.Load(filepath.Join(dir, "checkpoint.safetensors"))
	if err != nil || len(ts) == 0 || meta["step"] != "0" {
		t.Fatalf("last good checkpoint: %d tensors, meta %v, %v", len(ts), meta, err)
	}
	for name, t0 := range ts {
		for _, v := range t0.Data() {
			if v != v {
				t.Fatalf("checkpoint tensor %s holds NaN", name)
			}
		}
	}
}

// TestRecipeDefaultsReachConfig checks that a flag left out takes the
// chosen sampler's default, and one given its value, in config.json.
func TestRecipeDefaultsReachConfig(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	status, _, errOut := runCLI("train", "ebm", "--quiet", "--out", dir, "--sampler", "hmc", "--steps", "2", "--hidden", "8",
		"--batch", "8", "--train-size", "50", "--eval-every", "2", "--checkpoint-every", "2", "--leapfrog", "2")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"langevin_steps": 5`, `"leapfrog": 2`, `"steps": 2`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("config.json lacks %s: %s", want, b)
		}
	}
}
