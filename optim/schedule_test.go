package optim

import (
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

func TestSchedulesReject(t *testing.T) {
	cos, _ := NewCosineLR(0.1, 0, 10)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"step negative base", second(NewStepLR(-1, 3, 0.5)), "optim: StepLR: invalid base learning rate -1"},
		{"step zero size", second(NewStepLR(0.1, 0, 0.5)), "invalid step size 0"},
		{"step zero gamma", second(NewStepLR(0.1, 3, 0)), "invalid gamma 0"},
		{"cosine negative min", second(NewCosineLR(0.1, -1, 10)), "optim: CosineLR: invalid minimum learning rate -1"},
		{"cosine zero period", second(NewCosineLR(0.1, 0, 0)), "invalid period 0"},
		{"warmup negative steps", second(NewWarmup(-1, 0.1, cos)), "optim: Warmup: invalid number of steps -1"},
		{"warmup zero start", second(NewWarmup(5, 0, cos)), "invalid start factor 0"},
		{"warmup start above one", second(NewWarmup(5, 1.5, cos)), "invalid start factor 1.5"},
		{"warmup without schedule", second(NewWarmup(5, 0.1, nil)), "no schedule"},
		{"sequential negative milestone", second(NewSequential(cos, -1, cos)), "optim: Sequential: invalid milestone -1"},
		{"sequential without schedule", second(NewSequential(cos, 3, nil)), "needs two schedules"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", tt.err, tt.want)
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

func TestWarmupWithoutSteps(t *testing.T) {
	w, err := NewWarmup(0, 0.5, Constant(0.3))
	if err != nil {
		t.Fatal(err)
	}
	for step := range 3 {
		if got := w.LR(step); got != 0.3 {
			t.Errorf("LR(%d) = %v, want 0.3", step, got)
		}
	}
}

func TestSequential(t *testing.T) {
	s, err := NewSequential(Constant(0.5), 2, &StepLR{base: 0.1, gamma: 0.5, stepSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	for step, want := range []float64{0.5, 0.5, 0.1, 0.05, 0.025} {
		if got := s.LR(step); got != want {
			t.Errorf("LR(%d) = %v, want %v", step, got, want)
		}
	}
}

func TestApply(t *testing.T) {
	opt, err := NewSGD([]*tensor.Tensor{tensor.Zeros(1)}, SGDConfig{LR: 1})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewStepLR(0.8, 2, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	for step, want := range []float64{0.8, 0.8, 0.4, 0.4, 0.2} {
		if got := Apply(opt, s, step); got != want || opt.LR() != want {
			t.Errorf("step %d: Apply returned %v and set %v, want %v", step, got, opt.LR(), want)
		}
	}
}
