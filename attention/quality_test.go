package attention

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gibbsml/gibbs/tensor"
)

// TestReverseDefaultQuality runs the default recipe (reverse, length 16,
// vocabulary 10) and checks that it reaches 100% sequence accuracy on
// held-out sequences in under two minutes and that a head attends along
// the anti-diagonal.
func TestReverseDefaultQuality(t *testing.T) {
	if os.Getenv("GIBBS_LONG") == "" {
		t.Skip("set GIBBS_LONG=1 to run the default reverse recipe (about 15 seconds)")
	}
	cfg := DefaultConfig()
	path := filepath.Join(t.TempDir(), "reverse")
	start := time.Now()
	res, err := trainIn(t, path, cfg)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d steps in %v: %.4f per token, %.4f per sequence", res.Step, took, res.TokenAccuracy, res.SequenceAccuracy)
	if res.SequenceAccuracy != 1 || took > 2*time.Minute {
		t.Errorf("sequence accuracy %.4f in %v, want 1 in under 2 minutes", res.SequenceAccuracy, took)
	}
	m := openModel(t, path)
	seq := cfg.sequences(tensor.NewRNG(7), 1, true)[0]
	best := 0.0
	for _, am := range m.AttentionMaps(seq) {
		var anti float64
		for i := range cfg.Length {
			anti += float64(am.Weights.At(i, cfg.Length-1-i))
		}
		best = max(best, anti/float64(cfg.Length))
	}
	if best < 0.5 {
		t.Errorf("largest mean weight on the anti-diagonal %.3f, want > 0.5", best)
	}
}

// TestAdditionQuality trains the encoder-decoder on three-digit addition
// and checks that it answers every held-out sum right.
func TestAdditionQuality(t *testing.T) {
	if os.Getenv("GIBBS_LONG") == "" {
		t.Skip("set GIBBS_LONG=1 to run three-digit addition (about a minute)")
	}
	cfg := DefaultConfig()
	cfg.Task, cfg.Length, cfg.Steps, cfg.EvalEvery = "addition", 3, 4000, 1000
	res, err := trainIn(t, filepath.Join(t.TempDir(), "addition"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d steps: %.4f per token, %.4f per sequence", res.Step, res.TokenAccuracy, res.SequenceAccuracy)
	if res.SequenceAccuracy < 0.99 {
		t.Errorf("sequence accuracy %.4f, want > 0.99", res.SequenceAccuracy)
	}
}
