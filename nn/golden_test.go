package nn_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// The golden file is written by scripts/nn_golden.py with PyTorch 1.13.
const goldenPath = "testdata/golden.json"

type goldTensor struct {
	Shape []int
	Data  []float32
}

func (g *goldTensor) tensor() *tensor.Tensor {
	if len(g.Shape) == 0 {
		return tensor.Scalar(g.Data[0])
	}
	return tensor.New(append([]float32(nil), g.Data...), g.Shape...)
}

type goldLayer struct {
	Name, Kind string
	Config     struct {
		In, Out, Kernel, Stride, Padding, Dilation int
		OutputPadding                              int `json:"output_padding"`
		Bias                                       bool
		Num, Dim, C                                int
		Shape                                      []int
		Param                                      float32
	}
	State        map[string]*goldTensor
	Input        *goldTensor
	Output       *goldTensor
	OutWeight    *goldTensor            `json:"out_weight"`
	GradInput    *goldTensor            `json:"grad_input"`
	GradParams   map[string]*goldTensor `json:"grad_params"`
	BuffersAfter map[string]*goldTensor `json:"buffers_after"`
	EvalOutput   *goldTensor            `json:"eval_output"`
}

type goldLoss struct {
	Name, Reduction string
	Args            struct{ Delta float32 }
	Inputs          []*goldTensor
	Output          *goldTensor
	OutWeight       *goldTensor `json:"out_weight"`
	Grads           []*goldTensor
}

type goldMLP struct {
	State        map[string]*goldTensor
	Input        *goldTensor
	Targets      *goldTensor
	Loss         float32
	Grads, After map[string]*goldTensor
}

type golden struct {
	Layers []goldLayer
	Losses []goldLoss
	MLP    goldMLP
}

func readGolden(t *testing.T) *golden {
	t.Helper()
	b, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("reading %s: %v (regenerate with /usr/bin/python3 scripts/nn_golden.py)", goldenPath, err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("parsing %s: %v", goldenPath, err)
	}
	return &g
}

func stateOf(m map[string]*goldTensor) map[string]*tensor.Tensor {
	sd := map[string]*tensor.Tensor{}
	for k, v := range m {
		sd[k] = v.tensor()
	}
	return sd
}

// assertClose fails unless got matches want within |d| <= 1e-5 + 1e-5*|want|
// (scaled up by slack for results that sum many products).
func assertClose(t *testing.T, what string, got *tensor.Tensor, want *goldTensor, slack float64) {
	t.Helper()
	if fmt.Sprint(got.Shape()) != fmt.Sprint(want.Shape) {
		t.Errorf("%s: shape %v, want %v", what, got.Shape(), want.Shape)
		return
	}
	for i, w := range want.Data {
		g := got.Data()[i]
		if d := math.Abs(float64(g - w)); !(d <= slack*(1e-5+1e-5*math.Abs(float64(w)))) {
			t.Errorf("%s: value %d is %v, want %v", what, i, g, w)
			return
		}
	}
}

var activations = map[string]func(p float32) nn.Layer{
	"ReLU":      func(float32) nn.Layer { return nn.ReLU() },
	"LeakyReLU": func(p float32) nn.Layer { return nn.LeakyReLU(p) },
	"ELU":       func(p float32) nn.Layer { return nn.ELU(p) },
	"GELU":      func(float32) nn.Layer { return nn.GELU() },
	"SiLU":      func(float32) nn.Layer { return nn.SiLU() },
	"Tanh":      func(float32) nn.Layer { return nn.Tanh() },
	"Sigmoid":   func(float32) nn.Layer { return nn.Sigmoid() },
	"Softplus":  func(float32) nn.Layer { return nn.Softplus() },
	"Flatten":   func(float32) nn.Layer { return nn.Flatten() },
}

func buildLayer(t *testing.T, c *goldLayer) nn.Layer {
	rng := tensor.NewRNG(1)
	k := c.Config
	spec := nn.ConvSpec{Kernel: k.Kernel, Stride: k.Stride, Padding: k.Padding, Dilation: k.Dilation, OutputPadding: k.OutputPadding, NoBias: !k.Bias}
	switch c.Kind {
	case "Linear":
		return nn.NewLinear(rng, k.In, k.Out, k.Bias)
	case "Conv2d":
		return nn.NewConv2d(rng, k.In, k.Out, spec)
	case "ConvTranspose2d":
		return nn.NewConvTranspose2d(rng, k.In, k.Out, spec)
	case "MaxPool2d":
		return nn.NewMaxPool2d(k.Kernel, k.Stride, k.Padding)
	case "AvgPool2d":
		return nn.NewAvgPool2d(k.Kernel, k.Stride, k.Padding)
	case "Embedding":
		return nn.NewEmbedding(rng, k.Num, k.Dim)
	case "LayerNorm":
		return nn.NewLayerNorm(k.Shape...)
	case "BatchNorm1d":
		return nn.NewBatchNorm1d(k.C)
	case "BatchNorm2d":
		return nn.NewBatchNorm2d(k.C)
	}
	if f, ok := activations[c.Kind]; ok {
		return f(k.Param)
	}
	t.Fatalf("unknown layer kind %q", c.Kind)
	return nil
}

func TestGoldenLayers(t *testing.T) {
	g := readGolden(t)
	if len(g.Layers) == 0 {
		t.Fatal("no layer cases")
	}
	for i := range g.Layers {
		c := &g.Layers[i]
		t.Run(c.Name, func(t *testing.T) {
			layer := buildLayer(t, c)
			if err := nn.LoadStateDict(layer, stateOf(c.State)); err != nil {
				t.Fatal(err)
			}
			x := c.Input.tensor()
			wrt := []*tensor.Tensor{}
			if c.GradInput != nil {
				x.SetRequiresGrad(true)
				wrt = append(wrt, x)
			}
			params := layer.Params()
			for _, p := range params {
				wrt = append(wrt, p.Tensor)
			}
			out := layer.Forward(x)
			assertClose(t, "output", out, c.Output, 1)
			grads := tensor.Grad(out.Mul(c.OutWeight.tensor()).Sum(), wrt...)
			if c.GradInput != nil {
				assertClose(t, "input gradient", grads[0], c.GradInput, 1)
				grads = grads[1:]
			}
			if len(params) != len(c.GradParams) {
				t.Errorf("%d parameters, PyTorch has %d", len(params), len(c.GradParams))
			}
			for j, p := range params {
				want, ok := c.GradParams[p.Name]
				if !ok {
					t.Errorf("parameter %q unknown to PyTorch", p.Name)
					continue
				}
				assertClose(t, p.Name+" gradient", grads[j], want, 1)
			}
			if c.BuffersAfter == nil {
				return
			}
			for _, b := range nn.Buffers(layer) {
				assertClose(t, b.Name+" after a step", b.Tensor, c.BuffersAfter[b.Name], 1)
			}
			nn.SetTraining(layer, false)
			assertClose(t, "evaluation output", layer.Forward(x), c.EvalOutput, 1)
		})
	}
}

var lossFuncs = map[string]func(in []*tensor.Tensor, delta float32, r nn.Reduction) *tensor.Tensor{
	"MSELoss": func(in []*tensor.Tensor, _ float32, r nn.Reduction) *tensor.Tensor {
		return nn.MSELoss(in[0], in[1], r)
	},
	"L1Loss": func(in []*tensor.Tensor, _ float32, r nn.Reduction) *tensor.Tensor { return nn.L1Loss(in[0], in[1], r) },
	"HuberLoss": func(in []*tensor.Tensor, d float32, r nn.Reduction) *tensor.Tensor {
		return nn.HuberLoss(in[0], in[1], d, r)
	},
	"BCELoss": func(in []*tensor.Tensor, _ float32, r nn.Reduction) *tensor.Tensor {
		return nn.BCELoss(in[0], in[1], r)
	},
	"BCEWithLogitsLoss": func(in []*tensor.Tensor, _ float32, r nn.Reduction) *tensor.Tensor {
		return nn.BCEWithLogitsLoss(in[0], in[1], r)
	},
	"CrossEntropyLoss": func(in []*tensor.Tensor, _ float32, r nn.Reduction) *tensor.Tensor {
		return nn.CrossEntropyLoss(in[0], in[1], r)
	},
	"NLLLoss": func(in []*tensor.Tensor, _ float32, r nn.Reduction) *tensor.Tensor {
		return nn.NLLLoss(in[0], in[1], r)
	},
	"GaussianKL": func(in []*tensor.Tensor, _ float32, r nn.Reduction) *tensor.Tensor {
		return nn.GaussianKL(in[0], in[1], r)
	},
}

var reductions = map[string]nn.Reduction{"mean": nn.ReduceMean, "sum": nn.ReduceSum, "none": nn.ReduceNone}

func TestGoldenLosses(t *testing.T) {
	g := readGolden(t)
	if len(g.Losses) == 0 {
		t.Fatal("no loss cases")
	}
	for i, c := range g.Losses {
		t.Run(fmt.Sprintf("%s_%s_%d", c.Name, c.Reduction, i), func(t *testing.T) {
			f, ok := lossFuncs[c.Name]
			if !ok {
				t.Fatalf("unknown loss %q", c.Name)
			}
			var in, wrt []*tensor.Tensor
			for j, x := range c.Inputs {
				v := x.tensor()
				if c.Grads[j] != nil {
					v.SetRequiresGrad(true)
					wrt = append(wrt, v)
				}
				in = append(in, v)
			}
			out := f(in, c.Args.Delta, reductions[c.Reduction])
			assertClose(t, "loss", out, c.Output, 1)
			grads := tensor.Grad(out.Mul(c.OutWeight.tensor()).Sum(), wrt...)
			k := 0
			for j, want := range c.Grads {
				if want != nil {
					assertClose(t, fmt.Sprintf("gradient of input %d", j), grads[k], want, 1)
					k++
				}
			}
		})
	}
}
