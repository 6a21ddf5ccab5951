package optim

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// TestResumeIsExact stops every golden run half-way, moves the state to a
// new optimizer over copies of the parameters, and checks that finishing
// there gives bit-identical parameters to the uninterrupted run.
func TestResumeIsExact(t *testing.T) {
	g := readGolden(t)
	for _, o := range g.Optimizers {
		t.Run(o.Name, func(t *testing.T) {
			n, half := len(o.Steps), len(o.Steps)/2
			whole := goldenParams(g)
			straight, err := newGoldenOptimizer(o.Kind, o.Config, whole)
			if err != nil {
				t.Fatal(err)
			}
			for s := range n {
				setGrads(g, whole, s)
				straight.Step()
			}

			params := goldenParams(g)
			first, _ := newGoldenOptimizer(o.Kind, o.Config, params)
			for s := range half {
				setGrads(g, params, s)
				first.Step()
			}
			state := first.State()
			resumed := make([]*tensor.Tensor, len(params))
			for i, p := range params {
				resumed[i] = p.Clone()
			}
			second, _ := newGoldenOptimizer(o.Kind, o.Config, resumed)
			if err := second.LoadState(state); err != nil {
				t.Fatal(err)
			}
			if got := second.State(); !sameState(got, state) {
				t.Fatalf("State after LoadState differs from the state loaded:\n got %v\nwant %v", got, state)
			}
			for s := half; s < n; s++ {
				setGrads(g, resumed, s)
				second.Step()
			}
			for i := range whole {
				if !slices.Equal(resumed[i].Data(), whole[i].Data()) {
					t.Errorf("parameter %d: resumed run %v, uninterrupted run %v", i, resumed[i], whole[i])
				}
			}
		})
	}
}

func sameState(a, b map[string]*tensor.Tensor) bool {
	return maps.EqualFunc(a, b, func(x, y *tensor.Tensor) bool {
		return slices.Equal(x.Shape(), y.Shape()) && slices.Equal(x.Data(), y.Data())
	})
}

func TestStateKeys(t *testing.T) {
	tests := []struct {
		name string
		make func([]*tensor.Tensor) (Optimizer, error)
		want []string
	}{
		{"sgd", func(p []*tensor.Tensor) (Optimizer, error) { return NewSGD(p, SGDConfig{LR: 0.1}) }, nil},
		{"sgd_momentum", func(p []*tensor.Tensor) (Optimizer, error) {
			return NewSGD(p, SGDConfig{LR: 0.1, Momentum: 0.9})
		}, []string{"0.momentum_buffer"}},
		{"adam", func(p []*tensor.Tensor) (Optimizer, error) { return NewAdam(p, DefaultAdamConfig()) },
			[]string{"0.exp_avg", "0.exp_avg_sq", "0.step"}},
		{"adamw_amsgrad", func(p []*tensor.Tensor) (Optimizer, error) {
			c := DefaultAdamWConfig()
			c.AMSGrad = true
			return NewAdamW(p, c)
		}, []string{"0.exp_avg", "0.exp_avg_sq", "0.max_exp_avg_sq", "0.step"}},
		{"rmsprop_centered_momentum", func(p []*tensor.Tensor) (Optimizer, error) {
			c := DefaultRMSpropConfig()
			c.Momentum, c.Centered = 0.9, true
			return NewRMSprop(p, c)
		}, []string{"0.grad_avg", "0.momentum_buffer", "0.square_avg", "0.step"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Parameter 1 never gets a gradient, so it has no state.
			params := []*tensor.Tensor{tensor.Zeros(2, 3), tensor.Zeros(4)}
			opt, err := tt.make(params)
			if err != nil {
				t.Fatal(err)
			}
			if s := opt.State(); len(s) != 0 {
				t.Errorf("state before any step: %v, want empty", s)
			}
			for range 3 {
				params[0].SetGrad(tensor.Ones(2, 3))
				opt.Step()
			}
			state := opt.State()
			if got := slices.Sorted(maps.Keys(state)); !slices.Equal(got, tt.want) {
				t.Fatalf("state keys %q, want %q", got, tt.want)
			}
			for k, v := range state {
				if strings.HasSuffix(k, ".step") {
					if v.Item() != 3 {
						t.Errorf("%s = %v, want 3", k, v.Item())
					}
				} else if !slices.Equal(v.Shape(), []int{2, 3}) {
					t.Errorf("%s has shape %v, want [2 3]", k, v.Shape())
				}
				v.Data()[0] = 42 // State returns copies.
			}
			if len(state) > 0 && sameState(opt.State(), state) {
				t.Error("changing the tensors State returned changed the optimizer")
			}
		})
	}
}

func TestLoadStateRejects(t *testing.T) {
	valid := func() map[string]*tensor.Tensor {
		return map[string]*tensor.Tensor{
			"0.exp_avg":    tensor.Zeros(2, 3),
			"0.exp_avg_sq": tensor.Zeros(2, 3),
			"0.step":       tensor.New([]float32{2}, 1),
		}
	}
	tests := []struct {
		name   string
		change func(map[string]*tensor.Tensor)
		want   string
	}{
		{"unknown name", func(m map[string]*tensor.Tensor) { m["0.momentum_buffer"] = tensor.Zeros(2, 3) }, `unknown entry "0.momentum_buffer"`},
		{"amsgrad entry without amsgrad", func(m map[string]*tensor.Tensor) { m["0.max_exp_avg_sq"] = tensor.Zeros(2, 3) }, `unknown entry "0.max_exp_avg_sq"`},
		{"no index", func(m map[string]*tensor.Tensor) { m["exp_avg"] = tensor.Zeros(2, 3) }, `unknown entry "exp_avg"`},
		{"index not a number", func(m map[string]*tensor.Tensor) { m["a.exp_avg"] = tensor.Zeros(2, 3) }, `unknown entry "a.exp_avg"`},
		{"index too large", func(m map[string]*tensor.Tensor) { m["2.exp_avg"] = tensor.Zeros(4) }, `"2.exp_avg": index out of range for 2 parameters`},
		{"negative index", func(m map[string]*tensor.Tensor) { m["-1.exp_avg"] = tensor.Zeros(4) }, "index out of range"},
		{"wrong shape", func(m map[string]*tensor.Tensor) { m["0.exp_avg"] = tensor.Zeros(3, 2) }, `"0.exp_avg" has shape [3 2], parameter 0 has shape [2 3]`},
		{"nil tensor", func(m map[string]*tensor.Tensor) { m["0.exp_avg"] = nil }, `"0.exp_avg" is nil`},
		{"missing buffer", func(m map[string]*tensor.Tensor) { delete(m, "0.exp_avg_sq") }, `parameter 0 has exp_avg, step but no "0.exp_avg_sq"`},
		{"missing step", func(m map[string]*tensor.Tensor) { delete(m, "0.step") }, `no "0.step"`},
		{"fractional step", func(m map[string]*tensor.Tensor) { m["0.step"] = tensor.New([]float32{1.5}, 1) }, "want a whole number of steps"},
		{"negative step", func(m map[string]*tensor.Tensor) { m["0.step"] = tensor.New([]float32{-1}, 1) }, "want a whole number of steps"},
		{"step with two values", func(m map[string]*tensor.Tensor) { m["0.step"] = tensor.Zeros(2) }, "want one value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := []*tensor.Tensor{tensor.Ones(2, 3), tensor.Ones(4)}
			opt, err := NewAdam(params, DefaultAdamConfig())
			if err != nil {
				t.Fatal(err)
			}
			params[1].SetGrad(tensor.Ones(4))
			opt.Step()
			before := opt.State()
			if err := opt.LoadState(valid()); err != nil {
				t.Fatalf("valid state rejected: %v", err)
			}
			if err := opt.LoadState(before); err != nil {
				t.Fatalf("own state rejected: %v", err)
			}
			m := valid()
			tt.change(m)
			err = opt.LoadState(m)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadState error %v, want one containing %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "optim: Adam: LoadState: ") {
				t.Errorf("error %q lacks context", err)
			}
			if !sameState(opt.State(), before) {
				t.Error("a rejected LoadState changed the state")
			}
		})
	}
}

// TestLoadStateResets checks that parameters missing from the loaded state
// start afresh, as after construction.
func TestLoadStateResets(t *testing.T) {
	p := tensor.Ones(3)
	opt, err := NewSGD([]*tensor.Tensor{p}, SGDConfig{LR: 0.5, Momentum: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	p.SetGrad(tensor.Ones(3))
	opt.Step()
	if err := opt.LoadState(nil); err != nil {
		t.Fatal(err)
	}
	if s := opt.State(); len(s) != 0 {
		t.Fatalf("state after loading nothing: %v", s)
	}
	opt.Step() // a fresh momentum buffer takes the gradient as it is
	if got, want := p.Data()[0], float32(0); got != want {
		t.Errorf("parameter after two steps %v, want %v", got, want)
	}
}
