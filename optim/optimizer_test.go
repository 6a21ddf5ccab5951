package optim

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

func TestConstructorsReject(t *testing.T) {
	p := []*tensor.Tensor{tensor.Zeros(2)}
	adam := func(f func(*AdamConfig)) func() error {
		return func() error {
			c := DefaultAdamConfig()
			f(&c)
			_, err := NewAdam(p, c)
			return err
		}
	}
	rms := func(f func(*RMSpropConfig)) func() error {
		return func() error {
			c := DefaultRMSpropConfig()
			f(&c)
			_, err := NewRMSprop(p, c)
			return err
		}
	}
	sgd := func(params []*tensor.Tensor, c SGDConfig) func() error {
		return func() error { _, err := NewSGD(params, c); return err }
	}
	tests := []struct {
		name string
		make func() error
		want string // "" for a valid configuration
	}{
		{"adam defaults", adam(func(*AdamConfig) {}), ""},
		{"adam beta1 zero", adam(func(c *AdamConfig) { c.Beta1 = 0 }), ""},
		{"adamw defaults", func() error { _, err := NewAdamW(p, DefaultAdamWConfig()); return err }, ""},
		{"adam negative lr", adam(func(c *AdamConfig) { c.LR = -1e-3 }), "optim: Adam: invalid learning rate -0.001 (must be >= 0)"},
		{"adam NaN lr", adam(func(c *AdamConfig) { c.LR = math.NaN() }), "invalid learning rate NaN"},
		{"adam beta1 one", adam(func(c *AdamConfig) { c.Beta1 = 1 }), "invalid beta1 1 (must be in [0, 1))"},
		{"adam negative beta2", adam(func(c *AdamConfig) { c.Beta2 = -0.1 }), "invalid beta2 -0.1"},
		{"adam negative eps", adam(func(c *AdamConfig) { c.Eps = -1 }), "invalid eps -1"},
		{"adam negative weight decay", adam(func(c *AdamConfig) { c.WeightDecay = -1 }), "invalid weight decay -1"},
		{"adamw beta2 one", func() error {
			c := DefaultAdamWConfig()
			c.Beta2 = 1
			_, err := NewAdamW(p, c)
			return err
		}, "optim: AdamW: invalid beta2 1"},
		{"sgd plain", sgd(p, SGDConfig{LR: 0.1}), ""},
		{"sgd nesterov", sgd(p, SGDConfig{LR: 0.1, Momentum: 0.9, Nesterov: true}), ""},
		{"sgd negative lr", sgd(p, SGDConfig{LR: -0.1}), "optim: SGD: invalid learning rate -0.1"},
		{"sgd negative momentum", sgd(p, SGDConfig{LR: 0.1, Momentum: -0.5}), "invalid momentum -0.5"},
		{"sgd negative weight decay", sgd(p, SGDConfig{LR: 0.1, WeightDecay: -1}), "invalid weight decay -1"},
		{"sgd nesterov without momentum", sgd(p, SGDConfig{LR: 0.1, Nesterov: true}), "Nesterov momentum needs momentum > 0"},
		{"sgd nesterov with dampening", sgd(p, SGDConfig{LR: 0.1, Momentum: 0.9, Dampening: 0.1, Nesterov: true}), "zero dampening"},
		{"sgd no parameters", sgd(nil, SGDConfig{LR: 0.1}), "optim: SGD: empty parameter list"},
		{"sgd nil parameter", sgd([]*tensor.Tensor{p[0], nil}, SGDConfig{LR: 0.1}), "parameter 1 is nil"},
		{"sgd repeated parameter", sgd([]*tensor.Tensor{p[0], tensor.Zeros(1), p[0]}, SGDConfig{LR: 0.1}), "parameters 0 and 2 are the same tensor"},
		{"rmsprop defaults", rms(func(*RMSpropConfig) {}), ""},
		{"rmsprop negative alpha", rms(func(c *RMSpropConfig) { c.Alpha = -0.5 }), "optim: RMSprop: invalid alpha -0.5"},
		{"rmsprop negative eps", rms(func(c *RMSpropConfig) { c.Eps = -1 }), "invalid eps -1"},
		{"rmsprop negative momentum", rms(func(c *RMSpropConfig) { c.Momentum = -1 }), "invalid momentum -1"},
		{"rmsprop negative weight decay", rms(func(c *RMSpropConfig) { c.WeightDecay = -1 }), "invalid weight decay -1"},
		{"rmsprop infinite lr is fine", rms(func(c *RMSpropConfig) { c.LR = math.Inf(1) }), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.make()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	if got, want := DefaultAdamConfig(), (AdamConfig{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}); got != want {
		t.Errorf("DefaultAdamConfig() = %+v, want %+v", got, want)
	}
	if got := DefaultAdamWConfig(); got.WeightDecay != 1e-2 || got.Beta2 != 0.999 {
		t.Errorf("DefaultAdamWConfig() = %+v, want Adam's defaults with weight decay 1e-2", got)
	}
	if got, want := DefaultRMSpropConfig(), (RMSpropConfig{LR: 1e-2, Alpha: 0.99, Eps: 1e-8}); got != want {
		t.Errorf("DefaultRMSpropConfig() = %+v, want %+v", got, want)
	}
}

// allOptimizers returns one optimizer of each kind, with every option on,
// over fresh parameters of shapes [rows, 5] and [5] with gradients.
func allOptimizers(t testing.TB, rows int) map[string]func() (Optimizer, []*tensor.Tensor) {
	t.Helper()
	params := func() []*tensor.Tensor {
		g := tensor.NewRNG(1)
		ps := []*tensor.Tensor{tensor.Randn(g, rows, 5), tensor.Randn(g, 5)}
		for _, p := range ps {
			p.SetGrad(tensor.Randn(g, p.Shape()...))
		}
		return ps
	}
	must := func(o Optimizer, err error) Optimizer {
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	return map[string]func() (Optimizer, []*tensor.Tensor){
		"sgd": func() (Optimizer, []*tensor.Tensor) {
			ps := params()
			return must(NewSGD(ps, SGDConfig{LR: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 0.1})), ps
		},
		"adam": func() (Optimizer, []*tensor.Tensor) {
			ps := params()
			c := DefaultAdamConfig()
			c.AMSGrad, c.WeightDecay = true, 0.1
			return must(NewAdam(ps, c)), ps
		},
		"adamw": func() (Optimizer, []*tensor.Tensor) {
			ps := params()
			return must(NewAdamW(ps, DefaultAdamWConfig())), ps
		},
		"rmsprop": func() (Optimizer, []*tensor.Tensor) {
			ps := params()
			c := DefaultRMSpropConfig()
			c.Momentum, c.Centered, c.WeightDecay = 0.9, true, 0.1
			return must(NewRMSprop(ps, c)), ps
		},
	}
}

func TestStepAllocatesNothing(t *testing.T) {
	for name, newOpt := range allOptimizers(t, 8) {
		t.Run(name, func(t *testing.T) {
			opt, _ := newOpt()
			opt.Step() // creates the state
			if n := testing.AllocsPerRun(10, opt.Step); n != 0 {
				t.Errorf("Step allocates %v times, want 0", n)
			}
		})
	}
}

func TestZeroGradSkipsParameters(t *testing.T) {
	for name, newOpt := range allOptimizers(t, 8) {
		t.Run(name, func(t *testing.T) {
			opt, params := newOpt()
			opt.ZeroGrad()
			before := params[0].Clone()
			opt.Step()
			for _, p := range params {
				if p.Grad() != nil {
					t.Fatalf("gradient %v left after ZeroGrad", p.Grad())
				}
			}
			if !slices.Equal(params[0].Data(), before.Data()) || len(opt.State()) != 0 {
				t.Error("Step changed a parameter without a gradient")
			}
		})
	}
}

func TestSetLR(t *testing.T) {
	for name, newOpt := range allOptimizers(t, 8) {
		t.Run(name, func(t *testing.T) {
			opt, params := newOpt()
			opt.SetLR(0)
			if opt.LR() != 0 {
				t.Fatalf("LR() = %v after SetLR(0)", opt.LR())
			}
			before := params[1].Clone()
			opt.Step()
			if !slices.Equal(params[1].Data(), before.Data()) {
				t.Error("a step with learning rate 0 moved a parameter")
			}
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "invalid learning rate -1") {
					t.Errorf("SetLR(-1) panicked with %v", r)
				}
			}()
			opt.SetLR(-1)
		})
	}
}

func TestStepPanicsOnGradientSize(t *testing.T) {
	for name, newOpt := range allOptimizers(t, 8) {
		t.Run(name, func(t *testing.T) {
			opt, params := newOpt()
			params[1].SetGrad(tensor.Zeros(4))
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "gradient of shape [4] for parameter 1 of shape [5]") {
					t.Errorf("Step panicked with %v", r)
				}
			}()
			opt.Step()
		})
	}
}

// BenchmarkStep measures one update of a million parameters. The learning
// rate is 0 so that repeating the same gradient does not drive the
// parameters to a fixed point where state values decay into float32
// subnormals, which are far slower and rare in real training.
func BenchmarkStep(b *testing.B) {
	for name, newOpt := range allOptimizers(b, 200_000) {
		b.Run(name, func(b *testing.B) {
			opt, params := newOpt()
			opt.SetLR(0)
			opt.Step()
			b.SetBytes(int64(4 * (params[0].Len() + params[1].Len())))
			b.ResetTimer()
			for range b.N {
				opt.Step()
			}
		})
	}
}
