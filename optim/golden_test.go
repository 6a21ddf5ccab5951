package optim

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sync"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// golden is the content of testdata/golden.json, written by
// scripts/optim_golden.py from PyTorch.
type golden struct {
	TorchVersion string `json:"torch_version"`
	Params       []struct {
		Shape []int     `json:"shape"`
		Data  []float32 `json:"data"`
	} `json:"params"`
	Grads      [][][]float32 `json:"grads"` // [step][param], nil where torch's grad was None
	Optimizers []struct {
		Kind   string        `json:"kind"`
		Name   string        `json:"name"`
		Config goldenConfig  `json:"config"`
		Steps  [][][]float32 `json:"steps"` // [step][param] values after each step
	} `json:"optimizers"`
	Schedules []struct {
		Kind        string    `json:"kind"`
		Name        string    `json:"name"`
		Base        float64   `json:"base"`
		StepSize    int       `json:"step_size"`
		Gamma       float64   `json:"gamma"`
		TMax        int       `json:"t_max"`
		EtaMin      float64   `json:"eta_min"`
		Warmup      int       `json:"warmup"`
		StartFactor float64   `json:"start_factor"`
		LRs         []float64 `json:"lrs"`
	} `json:"schedules"`
	Clip []struct {
		Kind      string      `json:"kind"`
		MaxNorm   float64     `json:"max_norm"`
		TotalNorm float64     `json:"total_norm"`
		Clip      float64     `json:"clip"`
		Step      int         `json:"step"`
		Grads     [][]float32 `json:"grads"`
	} `json:"clip"`
}

// goldenConfig holds torch's keyword arguments; absent ones keep torch's
// defaults.
type goldenConfig struct {
	LR          float64     `json:"lr"`
	Momentum    float64     `json:"momentum"`
	Dampening   float64     `json:"dampening"`
	Nesterov    bool        `json:"nesterov"`
	WeightDecay *float64    `json:"weight_decay"`
	Betas       *[2]float64 `json:"betas"`
	Eps         *float64    `json:"eps"`
	AMSGrad     bool        `json:"amsgrad"`
	Alpha       *float64    `json:"alpha"`
	Centered    bool        `json:"centered"`
}

var loadGolden = sync.OnceValues(func() (*golden, error) {
	b, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		return nil, err
	}
	g := new(golden)
	if err := json.Unmarshal(b, g); err != nil {
		return nil, fmt.Errorf("decoding testdata/golden.json: %w", err)
	}
	return g, nil
})

func readGolden(t *testing.T) *golden {
	t.Helper()
	g, err := loadGolden()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// newGoldenOptimizer builds the optimizer torch ran for kind and cfg.
func newGoldenOptimizer(kind string, c goldenConfig, params []*tensor.Tensor) (Optimizer, error) {
	set := func(dst *float64, src *float64) {
		if src != nil {
			*dst = *src
		}
	}
	switch kind {
	case "sgd":
		cfg := SGDConfig{LR: c.LR, Momentum: c.Momentum, Dampening: c.Dampening, Nesterov: c.Nesterov}
		set(&cfg.WeightDecay, c.WeightDecay)
		return NewSGD(params, cfg)
	case "adam", "adamw":
		cfg := DefaultAdamConfig()
		if kind == "adamw" {
			cfg = DefaultAdamWConfig()
		}
		cfg.LR, cfg.AMSGrad = c.LR, c.AMSGrad
		if c.Betas != nil {
			cfg.Beta1, cfg.Beta2 = c.Betas[0], c.Betas[1]
		}
		set(&cfg.Eps, c.Eps)
		set(&cfg.WeightDecay, c.WeightDecay)
		if kind == "adamw" {
			return NewAdamW(params, cfg)
		}
		return NewAdam(params, cfg)
	case "rmsprop":
		cfg := DefaultRMSpropConfig()
		cfg.LR, cfg.Momentum, cfg.Centered = c.LR, c.Momentum, c.Centered
		set(&cfg.Alpha, c.Alpha)
		set(&cfg.Eps, c.Eps)
		set(&cfg.WeightDecay, c.WeightDecay)
		return NewRMSprop(params, cfg)
	}
	return nil, fmt.Errorf("unknown optimizer kind %q", kind)
}

// goldenParams returns fresh copies of the golden initial parameters.
func goldenParams(g *golden) []*tensor.Tensor {
	ps := make([]*tensor.Tensor, len(g.Params))
	for i, p := range g.Params {
		ps[i] = tensor.New(append([]float32(nil), p.Data...), p.Shape...)
	}
	return ps
}

// setGrads gives each parameter a copy of its gradient at step s (none
// where the golden file has null).
func setGrads(g *golden, params []*tensor.Tensor, s int) {
	for i, p := range params {
		if d := g.Grads[s][i]; d != nil {
			p.SetGrad(tensor.New(append([]float32(nil), d...), p.Shape()...))
		} else {
			p.SetGrad(nil)
		}
	}
}

// Tolerances for float32 results: a few units in the last place.
const (
	relTol = 2e-6
	absTol = 1e-7
)

// mismatch describes the first value of got that is not within tolerance
// of want, or returns "".
func mismatch(got, want []float32) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d values, want %d", len(got), len(want))
	}
	for j := range got {
		g, w := float64(got[j]), float64(want[j])
		if g != w && !(math.Abs(g-w) <= relTol*math.Abs(w)+absTol) {
			return fmt.Sprintf("value %d is %.9g, want %.9g (relative error %.3g)", j, g, w, math.Abs(g-w)/math.Abs(w))
		}
	}
	return ""
}

// replay runs the golden optimizer with its learning rate scaled by
// lrScale and returns the first disagreement with PyTorch, or "".
func replay(t *testing.T, g *golden, k int, lrScale float64) string {
	t.Helper()
	o := g.Optimizers[k]
	params := goldenParams(g)
	c := o.Config
	c.LR *= lrScale
	opt, err := newGoldenOptimizer(o.Kind, c, params)
	if err != nil {
		t.Fatal(err)
	}
	for s, want := range o.Steps {
		setGrads(g, params, s)
		opt.Step()
		for i, p := range params {
			if m := mismatch(p.Data(), want[i]); m != "" {
				return fmt.Sprintf("step %d, parameter %d: %s", s+1, i, m)
			}
		}
	}
	return ""
}

func TestOptimizersMatchPyTorch(t *testing.T) {
	g := readGolden(t)
	t.Logf("golden values from torch %s", g.TorchVersion)
	for k, o := range g.Optimizers {
		t.Run(o.Name, func(t *testing.T) {
			if m := replay(t, g, k, 1); m != "" {
				t.Error(m)
			}
		})
	}
}

// TestGoldenToleranceIsTight checks that the comparison above would catch
// an update that is off by as little as 1e-4 relative.
func TestGoldenToleranceIsTight(t *testing.T) {
	g := readGolden(t)
	for k, o := range g.Optimizers {
		t.Run(o.Name, func(t *testing.T) {
			if m := replay(t, g, k, 1+1e-4); m == "" {
				t.Error("learning rate off by 1e-4 relative went unnoticed")
			}
		})
	}
}

func TestSchedulesMatchPyTorch(t *testing.T) {
	g := readGolden(t)
	for _, s := range g.Schedules {
		t.Run(s.Name, func(t *testing.T) {
			var sched Schedule
			var err error
			switch s.Kind {
			case "step":
				sched, err = NewStepLR(s.Base, s.StepSize, s.Gamma)
			case "cosine":
				sched, err = NewCosineLR(s.Base, s.EtaMin, s.TMax)
			case "warmup_cosine":
				var cos *CosineLR
				if cos, err = NewCosineLR(s.Base, s.EtaMin, s.TMax); err == nil {
					sched, err = NewWarmup(s.Warmup, s.StartFactor, cos)
				}
			default:
				t.Fatalf("unknown schedule kind %q", s.Kind)
			}
			if err != nil {
				t.Fatal(err)
			}
			for step, want := range s.LRs {
				if got := sched.LR(step); math.Abs(got-want) > 1e-12*math.Abs(want)+1e-15 {
					t.Errorf("step %d: LR %.17g, want %.17g", step, got, want)
				}
			}
		})
	}
}

func TestClipMatchesPyTorch(t *testing.T) {
	g := readGolden(t)
	for _, c := range g.Clip {
		t.Run(fmt.Sprintf("%s_%v", c.Kind, c.MaxNorm+c.Clip), func(t *testing.T) {
			var params []*tensor.Tensor
			for i, d := range g.Grads[c.Step] {
				if d == nil {
					continue
				}
				p := tensor.Zeros(g.Params[i].Shape...)
				p.SetGrad(tensor.New(append([]float32(nil), d...), g.Params[i].Shape...))
				params = append(params, p)
			}
			if c.Kind == "norm" {
				norm := ClipGradNorm(params, c.MaxNorm)
				if math.Abs(norm-c.TotalNorm) > relTol*c.TotalNorm {
					t.Errorf("total norm %.9g, want %.9g", norm, c.TotalNorm)
				}
			} else {
				ClipGradValue(params, c.Clip)
			}
			for i, p := range params {
				if m := mismatch(p.Grad().Data(), c.Grads[i]); m != "" {
					t.Errorf("gradient %d: %s", i, m)
				}
			}
		})
	}
}
