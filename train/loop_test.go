package train

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// toyRun fits a linear layer to random targets: every step draws its batch
// from an RNG, so an exact resume needs weights, optimizer and RNG.
type toyRun struct {
	*toyParts
	calls []int // steps whose hook ran
}

func (r *toyRun) step(done int) (Metrics, error) {
	x := tensor.Randn(r.rng, 8, 3)
	loss := r.model.Forward(x).Sub(x.Narrow(1, 0, 2)).Square().Mean()
	v, err := Step(r.opt, loss)
	return Metrics{"loss": v}, err
}

func (r *toyRun) loop(d *Dir, steps int) *Loop {
	h, _ := NewHeader("toy", map[string]int{"steps": steps})
	return &Loop{Dir: d, Header: h, Parts: r.list(), Steps: steps, CheckpointEvery: 4,
		Hooks: []Hook{{Every: 3, Run: func(done int, _ Metrics) error { r.calls = append(r.calls, done); return nil }}}}
}

// runToy trains a fresh toy run for steps in the folder at path, resuming
// when it holds a checkpoint.
func runToy(t *testing.T, path string, steps int, ctx context.Context, step func(*toyRun) StepFunc) (*toyRun, int, error) {
	t.Helper()
	d, err := OpenDir(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	r := &toyRun{toyParts: newToyParts(t, 1)}
	f := StepFunc(r.step)
	if step != nil {
		f = step(r)
	}
	done, err := r.loop(d, steps).Run(ctx, f)
	return r, done, err
}

func TestLoopResumesExactly(t *testing.T) {
	whole, parts := t.TempDir(), t.TempDir()
	a, done, err := runToy(t, whole, 10, context.Background(), nil)
	if err != nil || done != 10 {
		t.Fatalf("done %d, %v", done, err)
	}
	if want := []int{3, 6, 9, 10}; !reflect.DeepEqual(a.calls, want) {
		t.Errorf("hook ran after steps %v, want %v", a.calls, want)
	}
	// Interrupted after 6 steps (a cancelled context), then resumed.
	ctx, cancel := context.WithCancelCause(context.Background())
	cause := errors.New("stop")
	_, done, err = runToy(t, parts, 10, ctx, func(r *toyRun) StepFunc {
		return func(d int) (Metrics, error) {
			if d == 5 {
				cancel(cause)
			}
			return r.step(d)
		}
	})
	var ie *InterruptedError
	if !errors.As(err, &ie) || ie.Step != 6 || done != 6 || !errors.Is(err, cause) {
		t.Fatalf("interrupt: done %d, %v", done, err)
	}
	b, done, err := runToy(t, parts, 10, context.Background(), nil)
	if err != nil || done != 10 {
		t.Fatalf("resume: done %d, %v", done, err)
	}
	if want := []int{9, 10}; !reflect.DeepEqual(b.calls, want) {
		t.Errorf("resumed hook ran after %v, want %v", b.calls, want)
	}
	for name, w := range nn.StateDict(a.model) {
		if !reflect.DeepEqual(w.Data(), nn.StateDict(b.model)[name].Data()) {
			t.Errorf("%s differs after resume", name)
		}
	}
	ma, _ := os.ReadFile(filepath.Join(whole, MetricsFile))
	mb, _ := os.ReadFile(filepath.Join(parts, MetricsFile))
	if string(ma) != string(mb) {
		t.Errorf("metrics differ:\n%s\nvs\n%s", ma, mb)
	}
	// A finished run changes nothing.
	before, _ := os.ReadFile(filepath.Join(parts, CheckpointFile))
	_, done, err = runToy(t, parts, 8, context.Background(), nil)
	var fe *FinishedError
	if !errors.As(err, &fe) || done != 10 {
		t.Errorf("finished run: done %d, %v", done, err)
	}
	after, _ := os.ReadFile(filepath.Join(parts, CheckpointFile))
	h, _ := ReadHeader(parts)
	if string(before) != string(after) || !strings.Contains(string(h.Config), `"steps": 10`) {
		t.Errorf("a finished run was changed: config %s", h.Config)
	}
}

func TestLoopFailures(t *testing.T) {
	cases := []struct {
		name  string
		step  func(r *toyRun) StepFunc
		check func(err error) bool
	}{
		{"diverged", func(r *toyRun) StepFunc {
			return func(d int) (Metrics, error) {
				if d == 5 {
					return nil, Diverged("energy reached %g", 1e9)
				}
				return r.step(d)
			}
		}, func(err error) bool {
			var de *DivergedError
			return errors.As(err, &de) && errors.Is(err, ErrDiverged) && de.Step == 6 && de.Checkpoint == 4 &&
				strings.Contains(err.Error(), "training diverged at step 6: energy reached 1e+09; the last good checkpoint, step 4")
		}},
		{"nan loss", func(r *toyRun) StepFunc {
			return func(d int) (Metrics, error) {
				v, err := Step(r.opt, r.model.Forward(tensor.Ones(1, 3)).Sum().MulScalar(float32(math.NaN())))
				return Metrics{"loss": v}, err
			}
		}, func(err error) bool {
			return errors.Is(err, ErrDiverged) && strings.Contains(err.Error(), "loss reached NaN")
		}},
		{"panic", func(r *toyRun) StepFunc {
			return func(int) (Metrics, error) {
				tensor.Ones(2, 3).Matmul(tensor.Ones(2, 3))
				return nil, nil
			}
		}, func(err error) bool {
			return strings.HasPrefix(err.Error(), "step 1: ") && strings.Contains(err.Error(), "Matmul")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			_, _, err := runToy(t, dir, 10, context.Background(), c.step)
			if err == nil || !c.check(err) {
				t.Fatalf("error %v", err)
			}
			// The last good checkpoint is whole.
			ps := newToyParts(t, 3)
			if _, err := LoadCheckpoint(filepath.Join(dir, CheckpointFile), ps.list()...); err != nil {
				t.Errorf("checkpoint after failure: %v", err)
			}
		})
	}
}

// toyModel is a registered kind for the tests of Open.
type toyModel struct{ lin *nn.Linear }

func (toyModel) Kind() string { return "toy" }

func init() {
	Register("toy", func(r *Run) (Model, error) {
		var cfg map[string]int
		if err := r.Config(&cfg); err != nil {
			return nil, err
		}
		m := toyModel{nn.NewLinear(tensor.NewRNG(9), 3, 2, true)}
		_, err := r.Load(Module("", m.lin))
		return m, err
	})
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	a, _, err := runToy(t, dir, 4, context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := m.(toyModel).lin
	if !reflect.DeepEqual(got.Weight.Data(), a.model.Weight.Data()) {
		t.Error("opened weights differ from the trained ones")
	}
	if _, ok := m.(Sampler); ok {
		t.Error("toy model claims to sample")
	}
	h, _ := ReadHeader(dir)
	h.Kind = "nosuchkind"
	d, _ := OpenDir(dir)
	d.WriteHeader(h)
	d.Close()
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), `unknown model kind "nosuchkind"`) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := Open(t.TempDir()); !errors.Is(err, ErrNoRun) {
		t.Errorf("empty folder: %v", err)
	}
}
