package imgebm

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gibbsml/gibbs/train"
)

// TestJEMQuality (GIBBS_LONG=1, a few minutes) trains the default JEM
// recipe on MNIST for 300 steps and checks that it has learned to
// classify (79% at step 250 in docs/IMAGE_ENERGY.md's run).
func TestJEMQuality(t *testing.T) {
	if os.Getenv("GIBBS_LONG") == "" {
		t.Skip("set GIBBS_LONG=1 to train JEM on MNIST for 300 steps")
	}
	cfg := DefaultJEMConfig()
	cfg.Steps, cfg.EvalEvery, cfg.CheckpointEvery = 300, 300, 300
	dir, err := train.OpenDir(filepath.Join(t.TempDir(), "jem"))
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	res, err := TrainJEM(context.Background(), dir, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	acc := res.Eval["test_accuracy"].(float64)
	t.Logf("step %d: test accuracy %.4f, E(test) %.3f, E(buffer) %.3f", res.Step, acc, res.Eval["e_test"], res.Eval["e_buffer"])
	if acc < 0.7 {
		t.Errorf("test accuracy %.4f after 300 steps, want at least 0.7", acc)
	}
}
