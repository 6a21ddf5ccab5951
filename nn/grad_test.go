package nn_test

import (
	"testing"

	"github.com/gibbsml/gibbs/gradcheck"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

func randn(seed uint64, scale float32, shape ...int) *tensor.Tensor {
	return tensor.Randn(tensor.NewRNG(seed), shape...).MulScalar(scale)
}

// spaced returns distinct values 0.1 apart in random order, none closer
// than 0.05 to zero, so that finite differences never cross a kink (ReLU,
// max) or swap the order inside a pooling window.
func spaced(seed uint64, shape ...int) *tensor.Tensor {
	p := tensor.Permutation(tensor.NewRNG(seed), tensor.Zeros(shape...).Len())
	return p.AddScalar(-float32(p.Len()/2) + 0.5).MulScalar(0.1).Reshape(shape...)
}

// classes returns n class indices below c.
func classes(n, c int) *tensor.Tensor {
	t := tensor.Zeros(n)
	for i := range t.Data() {
		t.Data()[i] = float32((3*i + 1) % c)
	}
	return t
}

type gradCase struct {
	name   string
	f      gradcheck.Func
	inputs []*tensor.Tensor
	second bool // also check second derivatives
}

// mlp is Linear -> act -> Linear with the first layer's parameters taken from xs.
func mlp(act nn.Layer) gradcheck.Func {
	head := nn.NewLinear(tensor.NewRNG(9), 4, 2, true)
	return func(xs ...*tensor.Tensor) *tensor.Tensor {
		return head.Forward(act.Forward((&nn.Linear{Weight: xs[1], Bias: xs[2]}).Forward(xs[0])))
	}
}

// sequentialMLP is mlp as a Sequential, which runs Linear and act as one
// operation where it can.
func sequentialMLP(act nn.Layer) gradcheck.Func {
	head := nn.NewLinear(tensor.NewRNG(9), 4, 2, true)
	return func(xs ...*tensor.Tensor) *tensor.Tensor {
		var bias *tensor.Tensor
		if len(xs) > 2 {
			bias = xs[2]
		}
		return nn.NewSequential(&nn.Linear{Weight: xs[1], Bias: bias}, act, head).Forward(xs[0])
	}
}

func layerCases() []gradCase {
	mlpInputs := []*tensor.Tensor{spaced(1, 3, 5), randn(2, 0.4, 4, 5), randn(3, 0.3, 4)}
	cases := []gradCase{}
	for _, act := range []*nn.Func{nn.ReLU(), nn.LeakyReLU(0.1), nn.ELU(1), nn.GELU(), nn.SiLU(), nn.Tanh(), nn.Sigmoid(), nn.Softplus(), nn.Identity()} {
		cases = append(cases, gradCase{"Linear+" + act.Name, mlp(act), mlpInputs, true})
	}
	for _, act := range []*nn.Func{nn.ReLU(), nn.LeakyReLU(0.1), nn.LeakyReLU(-0.5), nn.Tanh(), nn.Sigmoid(), nn.SiLU()} {
		cases = append(cases,
			gradCase{"Sequential Linear+" + act.Name, sequentialMLP(act), mlpInputs, true},
			gradCase{"Sequential Linear+" + act.Name + " without bias", sequentialMLP(act), mlpInputs[:2], true})
	}
	conv := func(stride, pad, dil int) gradcheck.Func {
		return func(xs ...*tensor.Tensor) *tensor.Tensor {
			c := &nn.Conv2d{Weight: xs[1], Bias: xs[2], Geom: tensor.ConvGeom{StrideH: stride, StrideW: stride, PadH: pad, PadW: pad, DilationH: dil, DilationW: dil}}
			return c.Forward(xs[0]).Tanh()
		}
	}
	convPool := func(xs ...*tensor.Tensor) *tensor.Tensor {
		c := &nn.Conv2d{Weight: xs[1], Bias: xs[2], Geom: tensor.ConvGeom{StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1}}
		return nn.NewSequential(c, nn.ReLU(), nn.NewMaxPool2d(2, 0, 0)).Forward(xs[0]).Tanh()
	}
	convT := func(xs ...*tensor.Tensor) *tensor.Tensor {
		c := &nn.ConvTranspose2d{Weight: xs[1], Bias: xs[2], Geom: tensor.ConvGeom{StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}, OutPadH: 1, OutPadW: 1}
		return c.Forward(xs[0]).Tanh()
	}
	layerNorm := func(xs ...*tensor.Tensor) *tensor.Tensor {
		l := nn.NewLayerNorm(4)
		l.Weight, l.Bias = xs[1], xs[2]
		return l.Forward(xs[0])
	}
	layerNormSum := func(xs ...*tensor.Tensor) *tensor.Tensor {
		l := nn.NewLayerNorm(4)
		l.Weight, l.Bias = xs[2], xs[3]
		return l.ForwardSum(xs[0], xs[1])
	}
	batchNorm := func(xs ...*tensor.Tensor) *tensor.Tensor {
		b := nn.NewBatchNorm2d(2)
		b.Weight, b.Bias = xs[1], xs[2]
		return b.Forward(xs[0])
	}
	// A BatchNorm and the activation after it run as one operation in a
	// Sequential; Tanh after them makes the second derivatives depend on
	// the activation's.
	batchNormAct := func(act *nn.Func) gradcheck.Func {
		return func(xs ...*tensor.Tensor) *tensor.Tensor {
			b := nn.NewBatchNorm2d(2)
			b.Weight, b.Bias = xs[1], xs[2]
			return nn.NewSequential(b, act, nn.Tanh()).Forward(xs[0])
		}
	}
	for _, act := range []*nn.Func{nn.ReLU(), nn.LeakyReLU(0.2), nn.Sigmoid()} {
		cases = append(cases, gradCase{"Sequential BatchNorm2d+" + act.Name, batchNormAct(act),
			[]*tensor.Tensor{randn(26, 1, 3, 2, 2, 2), randn(17, 0.5, 2).AddScalar(1), randn(18, 0.5, 2)}, true})
	}
	batchNormEval := func(xs ...*tensor.Tensor) *tensor.Tensor {
		b := nn.NewBatchNorm1d(3)
		b.Weight, b.Bias = xs[1], xs[2]
		b.RunningMean.CopyFrom(tensor.New([]float32{0.1, -0.2, 0.3}))
		b.RunningVar.CopyFrom(tensor.New([]float32{0.5, 1.5, 2}))
		b.SetTraining(false)
		return b.Forward(xs[0])
	}
	embedding := func(xs ...*tensor.Tensor) *tensor.Tensor {
		return (&nn.Embedding{Weight: xs[0]}).Forward(tensor.New([]float32{0, 2, 2, 4, 1, 0}, 2, 3))
	}
	dropout := func(xs ...*tensor.Tensor) *tensor.Tensor {
		return nn.NewDropout(tensor.NewRNG(7), 0.4).Forward(xs[0])
	}
	layer := func(l nn.Layer) gradcheck.Func {
		return func(xs ...*tensor.Tensor) *tensor.Tensor { return l.Forward(xs[0]) }
	}
	return append(cases,
		gradCase{"Conv2d", conv(1, 0, 1), []*tensor.Tensor{randn(4, 1, 2, 2, 5, 5), randn(5, 0.3, 3, 2, 3, 3), randn(6, 0.3, 3)}, true},
		gradCase{"Conv2d stride 2 padding 1", conv(2, 1, 1), []*tensor.Tensor{randn(4, 1, 1, 2, 6, 5), randn(5, 0.3, 3, 2, 3, 3), randn(6, 0.3, 3)}, true},
		gradCase{"Conv2d dilation 2", conv(1, 2, 2), []*tensor.Tensor{randn(4, 1, 1, 2, 5, 5), randn(5, 0.3, 2, 2, 2, 2), randn(6, 0.3, 2)}, false},
		gradCase{"Sequential Conv2d+ReLU+MaxPool2d", convPool, []*tensor.Tensor{spaced(4, 1, 2, 7, 7), randn(5, 0.3, 3, 2, 3, 3), randn(6, 0.3, 3)}, true},
		gradCase{"ConvTranspose2d", convT, []*tensor.Tensor{randn(7, 1, 2, 2, 3, 3), randn(8, 0.3, 2, 3, 3, 3), randn(9, 0.3, 3)}, true},
		gradCase{"MaxPool2d", layer(nn.NewMaxPool2d(3, 2, 1)), []*tensor.Tensor{spaced(10, 2, 2, 5, 5)}, true},
		gradCase{"Sequential ReLU+MaxPool2d", layer(nn.NewSequential(nn.ReLU(), nn.NewMaxPool2d(3, 2, 1), nn.Tanh())), []*tensor.Tensor{spaced(10, 2, 2, 5, 5)}, true},
		gradCase{"AvgPool2d", layer(nn.NewAvgPool2d(3, 2, 1)), []*tensor.Tensor{randn(11, 1, 2, 2, 5, 5)}, true},
		gradCase{"Embedding", embedding, []*tensor.Tensor{randn(12, 1, 5, 3)}, false},
		gradCase{"LayerNorm", layerNorm, []*tensor.Tensor{randn(13, 1, 2, 3, 4), randn(14, 0.5, 4).AddScalar(1), randn(15, 0.5, 4)}, true},
		gradCase{"LayerNorm of a sum", layerNormSum, []*tensor.Tensor{randn(24, 1, 2, 3, 4), randn(25, 1, 2, 3, 4), randn(14, 0.5, 4).AddScalar(1), randn(15, 0.5, 4)}, true},
		gradCase{"BatchNorm2d training", batchNorm, []*tensor.Tensor{randn(16, 1, 3, 2, 2, 2), randn(17, 0.5, 2).AddScalar(1), randn(18, 0.5, 2)}, true},
		gradCase{"BatchNorm1d evaluation", batchNormEval, []*tensor.Tensor{randn(19, 1, 4, 3), randn(20, 0.5, 3), randn(21, 0.5, 3)}, false},
		gradCase{"Dropout", dropout, []*tensor.Tensor{randn(22, 1, 4, 5)}, false},
		gradCase{"Flatten", layer(nn.Flatten()), []*tensor.Tensor{randn(23, 1, 2, 3, 2)}, false},
	)
}

func lossCases() []gradCase {
	x, y := randn(30, 1, 3, 4), randn(31, 1, 3, 4)
	p, soft := randn(32, 0.5, 3, 4).Sigmoid(), tensor.Rand(tensor.NewRNG(33), 3, 4)
	targets := classes(3, 4)
	two := func(f func(a, b *tensor.Tensor, r ...nn.Reduction) *tensor.Tensor) gradcheck.Func {
		return func(xs ...*tensor.Tensor) *tensor.Tensor { return f(xs[0], xs[1]) }
	}
	return []gradCase{
		{"MSELoss", two(nn.MSELoss), []*tensor.Tensor{x, y}, true},
		{"L1Loss", two(nn.L1Loss), []*tensor.Tensor{x, y}, false},
		{"HuberLoss", func(xs ...*tensor.Tensor) *tensor.Tensor { return nn.HuberLoss(xs[0], xs[1], 0.8, nn.ReduceNone) }, []*tensor.Tensor{x, y}, true},
		{"BCELoss", two(nn.BCELoss), []*tensor.Tensor{p, soft}, true},
		{"BCEWithLogitsLoss", two(nn.BCEWithLogitsLoss), []*tensor.Tensor{x, soft}, true},
		{"CrossEntropyLoss", func(xs ...*tensor.Tensor) *tensor.Tensor { return nn.CrossEntropyLoss(xs[0], targets) }, []*tensor.Tensor{x}, true},
		{"NLLLoss", func(xs ...*tensor.Tensor) *tensor.Tensor { return nn.NLLLoss(xs[0], targets, nn.ReduceSum) }, []*tensor.Tensor{x}, false},
		{"GaussianKL", two(nn.GaussianKL), []*tensor.Tensor{x, y.MulScalar(0.5)}, true},
	}
}

func TestGradients(t *testing.T) {
	for _, c := range append(layerCases(), lossCases()...) {
		t.Run(c.name, func(t *testing.T) {
			if err := gradcheck.Check(c.f, c.inputs, gradcheck.Options{}); err != nil {
				t.Error(err)
			}
			if !c.second {
				return
			}
			if err := gradcheck.CheckSecond(c.f, c.inputs, gradcheck.Options{}); err != nil {
				t.Error(err)
			}
		})
	}
}
