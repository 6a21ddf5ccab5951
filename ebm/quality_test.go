package ebm

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gibbsml/gibbs/checkpoint"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/train"
)

// TestDefaultRecipeShortRun runs the default recipe for a few steps
// through Train and checks the run folder and the keys of the
// evaluation lines.
func TestDefaultRecipeShortRun(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Steps, cfg.EvalEvery, cfg.CheckpointEvery = 20, 10, 10
	dir := filepath.Join(t.TempDir(), "run")
	res, err := trainIn(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Modes.Modes != 8 || math.IsNaN(res.TestNLL) || math.IsNaN(res.TrueNLL) {
		t.Errorf("result %+v", res)
	}
	for _, f := range []string{"config.json", "metrics.jsonl", "checkpoint.safetensors", "energy.png", "samples.png", "loss.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	evals := evalLines(t, filepath.Join(dir, "metrics.jsonl"))
	if len(evals) != 2 {
		t.Fatalf("%d evaluation lines, want 2", len(evals))
	}
	for _, key := range []string{"step", "test_nll", "true_nll", "modes_covered", "modes", "high_quality", "mode_kl", "jump_acceptance"} {
		if _, ok := evals[1][key]; !ok {
			t.Errorf("evaluation line lacks %q: %v", key, evals[1])
		}
	}
}

// trainIn trains cfg in a new run folder at path.
func trainIn(path string, cfg Config) (Result, error) {
	dir, err := train.OpenDir(path)
	if err != nil {
		return Result{}, err
	}
	defer dir.Close()
	return Train(context.Background(), dir, cfg, Options{})
}

// evalLines returns the evaluation lines (those with a test_nll) of a
// metrics file.
func evalLines(t *testing.T, path string) []map[string]any {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if _, ok := rec["test_nll"]; ok {
			out = append(out, rec)
		}
	}
	return out
}

// TestDefaultRecipeQuality trains the default recipe of ring8 and of
// grid25 (ebm.Recipe: quadratic features there) and checks the quality
// they are tuned for: a grid-normalised test NLL within 0.03 nats of the
// true density's, samples on every mode, at least 90% of them within 3
// std of one.
func TestDefaultRecipeQuality(t *testing.T) {
	if os.Getenv("GIBBS_LONG") == "" {
		t.Skip("set GIBBS_LONG=1 to train the default recipe on ring8 and grid25 (about a minute each)")
	}
	for _, name := range []string{"ring8", "grid25"} {
		t.Run(name, func(t *testing.T) {
			cfg := Recipe(name, "nll", "replay")
			start := time.Now()
			res, err := trainIn(filepath.Join(t.TempDir(), name), cfg)
			if err != nil {
				t.Fatal(err)
			}
			m := res.Modes
			t.Logf("%s: test NLL %.3f, true %.3f, modes %d/%d, high quality %.3f, reverse KL %.3f, %v",
				name, res.TestNLL, res.TrueNLL, m.Covered, m.Modes, m.HighQuality, m.ReverseKL, time.Since(start).Round(time.Second))
			if gap := res.TestNLL - res.TrueNLL; !(gap <= 0.03) {
				t.Errorf("test NLL %.3f is %.3f nats above the true density's %.3f (bound 0.03)", res.TestNLL, gap, res.TrueNLL)
			}
			if m.Covered != m.Modes || m.HighQuality < 0.9 {
				t.Errorf("samples cover %d of %d modes, %.1f%% of them near one", m.Covered, m.Modes, 100*m.HighQuality)
			}
		})
	}
}

// TestOpenGivesTheAverage trains a few steps with a moving average of the
// weights and checks that the saved model is the average (under "ema."
// in the checkpoint), not the raw weights that training goes on with.
func TestOpenGivesTheAverage(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Steps, cfg.EvalEvery, cfg.CheckpointEvery, cfg.Hidden, cfg.EMA = 20, 20, 20, []int{16}, 0.9
	path := filepath.Join(t.TempDir(), "run")
	if _, err := trainIn(path, cfg); err != nil {
		t.Fatal(err)
	}
	opened, err := train.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	saved, _, err := checkpoint.Load(filepath.Join(path, train.CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range nn.StateDict(opened.(*Model).Net) {
		avg, raw := saved["ema."+name], saved[name]
		if avg == nil || raw == nil {
			t.Fatalf("checkpoint lacks %s or ema.%s", name, name)
		}
		if d := w.Sub(avg).Abs().Max().Item(); d != 0 {
			t.Errorf("%s of the opened model off the average by %g", name, d)
		}
		if name == "0.weight" && w.Sub(raw).Abs().Max().Item() == 0 {
			t.Errorf("%s of the opened model is the raw weight", name)
		}
	}
}
