package attention

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// tinyConfig is a run of a few seconds on sequences of 6 tokens.
func tinyConfig(task string) Config {
	c := DefaultConfig()
	c.Task, c.Length = task, 6
	c.Steps, c.Batch, c.EvalEvery, c.CheckpointEvery, c.TestSize = 300, 64, 300, 100, 200
	return c
}

func trainIn(t *testing.T, path string, cfg Config) (Result, error) {
	t.Helper()
	dir, err := train.OpenDir(path)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	return Train(context.Background(), dir, cfg, Options{})
}

// TestTransformerLearnsTasks trains each task briefly and checks the
// held-out token accuracy.
func TestTransformerLearnsTasks(t *testing.T) {
	for _, task := range Tasks {
		t.Run(task, func(t *testing.T) {
			res, err := trainIn(t, filepath.Join(t.TempDir(), task), tinyConfig(task))
			if err != nil {
				t.Fatal(err)
			}
			if res.TokenAccuracy < 0.9 {
				t.Errorf("held-out token accuracy %.3f after %d steps, want > 0.9", res.TokenAccuracy, res.Step)
			}
		})
	}
}

// TestTransformerResumesExactly interrupts a run by cancelling its
// context, resumes it, and checks it ends with the weights of a run that
// was never stopped.
func TestTransformerResumesExactly(t *testing.T) {
	cfg := tinyConfig("reverse")
	cfg.Steps, cfg.CheckpointEvery, cfg.EvalEvery = 60, 1000, 1000
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	if _, err := trainIn(t, whole, cfg); err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(root, "cut")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := train.Hook{Every: 1, Run: func(done int, _ train.Metrics) error {
		if done == 25 {
			cancel()
		}
		return nil
	}}
	dir, err := train.OpenDir(cut)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Train(ctx, dir, cfg, Options{Hooks: []train.Hook{stop}})
	dir.Close()
	var ie *train.InterruptedError
	if !errors.As(err, &ie) || ie.Step != 25 {
		t.Fatalf("interrupted run: %v, want an interruption at step 25", err)
	}
	if _, err := trainIn(t, cut, cfg); err != nil {
		t.Fatal(err)
	}
	a, b := openModel(t, whole), openModel(t, cut)
	sa, sb := nn.StateDict(a), nn.StateDict(b)
	for name, ta := range sa {
		if !slices.Equal(ta.Data(), sb[name].Data()) {
			t.Errorf("%s differs between the whole and the resumed run", name)
		}
	}
}

func openModel(t *testing.T, path string) *Transformer {
	t.Helper()
	m, err := train.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := m.(*Transformer)
	if !ok {
		t.Fatalf("train.Open gave a %T, want a *Transformer", m)
	}
	return tr
}

// TestTransformerOpen checks that train.Open gives back a model that
// predicts as the trained one, and that its attention maps average to
// what nn.MultiHeadAttention reports.
func TestTransformerOpen(t *testing.T) {
	cfg := tinyConfig("copy")
	cfg.Steps, cfg.EvalEvery = 40, 40
	path := filepath.Join(t.TempDir(), "copy")
	if _, err := trainIn(t, path, cfg); err != nil {
		t.Fatal(err)
	}
	m := openModel(t, path)
	if m.Kind() != Kind || m.Step != 40 {
		t.Errorf("kind %q at step %d, want %q at 40", m.Kind(), m.Step, Kind)
	}
	seqs := sequences(tensor.NewRNG(9), 5, cfg.Length, cfg.Vocab, true)
	again := openModel(t, path).Predict(seqs)
	for i, p := range m.Predict(seqs) {
		if len(p) != cfg.Length || !slices.Equal(p, again[i]) {
			t.Errorf("prediction %v, reopened %v", p, again[i])
		}
	}
	maps := m.AttentionMaps(seqs[0])
	if len(maps) != cfg.Layers || len(maps[0]) != cfg.Heads {
		t.Fatalf("%d layers of %d maps, want %d of %d", len(maps), len(maps[0]), cfg.Layers, cfg.Heads)
	}
	x := m.embed(idTensor(seqs[:1]))
	_, w := m.Encoder.Layers[0].SelfAttn.Attend(x, x, x, nn.AttentionMask{}, true)
	mean := maps[0][0].Add(maps[0][1]).MulScalar(0.5)
	if !close(mean.Data(), w.Reshape(cfg.Length, cfg.Length).Data(), 1e-5) {
		t.Errorf("mean of the heads' maps %v, want the layer's weights %v", mean.Data(), w.Data())
	}
	if _, err := os.Stat(filepath.Join(path, "attention.png")); err != nil {
		t.Error(err)
	}
}

func TestHeldOutSplit(t *testing.T) {
	rng := tensor.NewRNG(1)
	for _, test := range []bool{false, true} {
		for _, s := range sequences(rng, 200, 6, 10, test) {
			if heldOut(s) != test {
				t.Fatalf("sequence %v drawn for held-out %v", s, test)
			}
		}
	}
}
