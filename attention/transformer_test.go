package attention

import (
	"context"
	"errors"
	"math"
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
// held-out token accuracy and loss. Addition needs thousands of steps to
// be learnt in full (TestAdditionQuality); in 300 steps on two-digit
// numbers it gets past guessing (a tenth of the digits, and the carry
// digit half the time or more: a token accuracy near 0.25) and its loss
// well below that of uniform guesses, log 10.
func TestTransformerLearnsTasks(t *testing.T) {
	for _, tc := range []struct {
		task   string
		length int
		want   float64
	}{
		{"reverse", 6, 0.9}, {"copy", 6, 0.9}, {"sort", 6, 0.9}, {"addition", 2, 0.28},
	} {
		t.Run(tc.task, func(t *testing.T) {
			cfg := tinyConfig(tc.task)
			cfg.Length = tc.length
			res, err := trainIn(t, filepath.Join(t.TempDir(), tc.task), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if res.TokenAccuracy < tc.want || res.TestLoss > 0.7*math.Log(10) {
				t.Errorf("held-out token accuracy %.3f and loss %.3f after %d steps, want > %v and < %.3f",
					res.TokenAccuracy, res.TestLoss, res.Step, tc.want, 0.7*math.Log(10))
			}
		})
	}
}

func TestTargets(t *testing.T) {
	for _, tc := range []struct {
		task        string
		length      int
		vocab       int
		src, target []int
	}{
		{"reverse", 4, 10, []int{1, 2, 3, 4}, []int{4, 3, 2, 1}},
		{"copy", 3, 10, []int{5, 0, 5}, []int{5, 0, 5}},
		{"sort", 4, 10, []int{3, 1, 2, 1}, []int{1, 1, 2, 3}},
		// 931 + 89 = 1020, least significant digit first.
		{"addition", 3, 10, []int{1, 3, 9, 10, 9, 8, 0}, []int{0, 2, 0, 1}},
		// 11 + 01 = 100 in base 2.
		{"addition", 2, 2, []int{1, 1, 2, 1, 0}, []int{0, 0, 1}},
	} {
		c := Config{Task: tc.task, Length: tc.length, Vocab: tc.vocab}
		if got := c.target(tc.src); !slices.Equal(got, tc.target) {
			t.Errorf("%s of %v: %v, want %v", tc.task, tc.src, got, tc.target)
		}
	}
}

// TestDecoderIsCausal checks that the decoder's scores at a position do
// not depend on the answer's later tokens, so that teacher forcing in
// training matches greedy decoding.
func TestDecoderIsCausal(t *testing.T) {
	cfg := tinyConfig("addition")
	cfg.Length = 3
	m := NewTransformer(cfg)
	src := idTensor(cfg.sequences(tensor.NewRNG(1), 2, false))
	a := m.Logits(src, tensor.New([]float32{11, 1, 2, 3, 11, 4, 5, 6}, 2, 4)).DetachRelease()
	b := m.Logits(src, tensor.New([]float32{11, 1, 7, 7, 11, 4, 0, 0}, 2, 4)).DetachRelease()
	for i := range 2 {
		for j := range 4 {
			same := slices.Equal(a.Narrow(0, i, 1).Narrow(1, j, 1).Data(), b.Narrow(0, i, 1).Narrow(1, j, 1).Data())
			if same != (j < 2) {
				t.Errorf("sequence %d, position %d: scores unchanged %v after changing tokens 2 and 3", i, j, same)
			}
		}
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
	seqs := cfg.sequences(tensor.NewRNG(9), 5, true)
	again := openModel(t, path).Predict(seqs)
	for i, p := range m.Predict(seqs) {
		if len(p) != cfg.Length || !slices.Equal(p, again[i]) {
			t.Errorf("prediction %v, reopened %v", p, again[i])
		}
	}
	maps := m.AttentionMaps(seqs[0])
	if len(maps) != cfg.Layers*cfg.Heads {
		t.Fatalf("%d maps, want %d", len(maps), cfg.Layers*cfg.Heads)
	}
	x := m.embed(idTensor(seqs[:1]))
	_, w := m.Encoder.Layers[0].SelfAttn.Attend(x, x, x, nn.AttentionMask{}, true)
	mean := maps[0].Weights.Add(maps[1].Weights).MulScalar(0.5)
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
		for _, s := range tinyConfig("reverse").sequences(rng, 200, test) {
			if heldOut(s) != test {
				t.Fatalf("sequence %v drawn for held-out %v", s, test)
			}
		}
	}
}
