package tensor_test

import (
	"testing"

	"github.com/gibbsml/gibbs/gradcheck"
	T "github.com/gibbsml/gibbs/tensor"
)

// awayFromZero returns random values with |x| in [0.2, 1.2], so finite
// differences never step across the kink of ReLU, Abs or Clamp.
func awayFromZero(seed uint64, shape ...int) *T.Tensor {
	x := T.Rand(T.NewRNG(seed), shape...)
	s := T.Rand(T.NewRNG(seed+100), shape...)
	d := x.Data()
	for i := range d {
		d[i] = 0.2 + d[i]
		if s.Data()[i] < 0.5 {
			d[i] = -d[i]
		}
	}
	return x
}

func positive(seed uint64, shape ...int) *T.Tensor {
	return T.Rand(T.NewRNG(seed), shape...).AddScalar(0.5)
}

type gradCase struct {
	name   string
	f      gradcheck.Func
	inputs []*T.Tensor
	second bool // also check second derivatives
}

func unaryCase(name string, f func(x *T.Tensor) *T.Tensor, x *T.Tensor, second bool) gradCase {
	return gradCase{name, func(xs ...*T.Tensor) *T.Tensor { return f(xs[0]) }, []*T.Tensor{x}, second}
}

func binaryCase(name string, f func(a, b *T.Tensor) *T.Tensor, a, b *T.Tensor, second bool) gradCase {
	return gradCase{name, func(xs ...*T.Tensor) *T.Tensor { return f(xs[0], xs[1]) }, []*T.Tensor{a, b}, second}
}

func gradCases() []gradCase {
	x := awayFromZero(1, 3, 4)
	y := awayFromZero(2, 3, 4)
	row := awayFromZero(3, 4)
	col := awayFromZero(4, 3, 1)
	p := positive(5, 3, 4)
	idx := T.New([]float32{2, 0, 1, 3, 3, 0}, 3, 2)
	img := awayFromZero(6, 2, 2, 5, 5)
	geom := T.ConvGeom{KH: 3, KW: 2, StrideH: 2, StrideW: 1, PadH: 1, PadW: 1}
	return []gradCase{
		binaryCase("Add", (*T.Tensor).Add, x, y, true),
		binaryCase("Add/broadcast", (*T.Tensor).Add, x, row, true),
		binaryCase("Sub/broadcast", (*T.Tensor).Sub, x, col, true),
		binaryCase("Mul", (*T.Tensor).Mul, x, y, true),
		binaryCase("Mul/broadcast", (*T.Tensor).Mul, col, row, true),
		binaryCase("Div", (*T.Tensor).Div, x, p, true),
		binaryCase("Maximum", (*T.Tensor).Maximum, x, y, false),
		binaryCase("Minimum", (*T.Tensor).Minimum, x, y, false),
		binaryCase("Matmul", (*T.Tensor).Matmul, awayFromZero(7, 3, 5), awayFromZero(8, 5, 2), true),
		binaryCase("MatmulNT", func(a, b *T.Tensor) *T.Tensor { return T.MatmulT(a, b, false, true) }, awayFromZero(9, 3, 5), awayFromZero(10, 2, 5), true),
		binaryCase("MatmulTN", func(a, b *T.Tensor) *T.Tensor { return T.MatmulT(a, b, true, false) }, awayFromZero(11, 5, 3), awayFromZero(12, 5, 2), true),
		binaryCase("MatmulTT", func(a, b *T.Tensor) *T.Tensor { return T.MatmulT(a, b, true, true) }, awayFromZero(13, 5, 3), awayFromZero(14, 2, 5), true),
		binaryCase("Matmul/batched", (*T.Tensor).Matmul, awayFromZero(15, 2, 3, 4), awayFromZero(16, 2, 4, 2), true),
		binaryCase("Matmul/broadcast", (*T.Tensor).Matmul, awayFromZero(17, 2, 1, 3, 4), awayFromZero(18, 3, 4, 2), true),
		{"Where", func(xs ...*T.Tensor) *T.Tensor { return T.Where(xs[0].Gt(T.Scalar(0)), xs[0], xs[1]) }, []*T.Tensor{x, row}, false},
		unaryCase("Neg", (*T.Tensor).Neg, x, false),
		unaryCase("AddScalar", func(x *T.Tensor) *T.Tensor { return x.AddScalar(2) }, x, false),
		unaryCase("MulScalar", func(x *T.Tensor) *T.Tensor { return x.MulScalar(-3) }, x, false),
		unaryCase("OneMinus", (*T.Tensor).OneMinus, x, false),
		unaryCase("Square", (*T.Tensor).Square, x, true),
		unaryCase("Pow", func(x *T.Tensor) *T.Tensor { return x.Pow(2.5) }, p, true),
		unaryCase("Exp", (*T.Tensor).Exp, x, true),
		unaryCase("Log", (*T.Tensor).Log, p, true),
		unaryCase("Log1p", (*T.Tensor).Log1p, p, true),
		unaryCase("Sqrt", (*T.Tensor).Sqrt, p, true),
		unaryCase("Abs", (*T.Tensor).Abs, x, false),
		unaryCase("Clamp", func(x *T.Tensor) *T.Tensor { return x.Clamp(-0.1, 1.5) }, x, false),
		unaryCase("Tanh", (*T.Tensor).Tanh, x, true),
		unaryCase("Sigmoid", (*T.Tensor).Sigmoid, x, true),
		unaryCase("ReLU", (*T.Tensor).ReLU, x, true),
		unaryCase("LeakyReLU", func(x *T.Tensor) *T.Tensor { return x.LeakyReLU(0.2) }, x, true),
		unaryCase("ELU", func(x *T.Tensor) *T.Tensor { return x.ELU(1.5) }, x, true),
		unaryCase("Erf", (*T.Tensor).Erf, x, true),
		unaryCase("Sin", (*T.Tensor).Sin, x, true),
		unaryCase("Cos", (*T.Tensor).Cos, x, true),
		unaryCase("GELU", (*T.Tensor).GELU, x, true),
		unaryCase("SiLU", (*T.Tensor).SiLU, x, true),
		unaryCase("Softplus", (*T.Tensor).Softplus, x, true),
		unaryCase("Sum", func(x *T.Tensor) *T.Tensor { return x.Sum() }, x, true),
		unaryCase("Sum/axis", func(x *T.Tensor) *T.Tensor { return x.Sum(1) }, x, true),
		unaryCase("SumKeep/axis0", func(x *T.Tensor) *T.Tensor { return x.SumKeep(0) }, x, true),
		unaryCase("Mean", func(x *T.Tensor) *T.Tensor { return x.Mean(-1) }, x, true),
		unaryCase("Var", func(x *T.Tensor) *T.Tensor { return x.Var(1) }, x, true),
		unaryCase("Max", func(x *T.Tensor) *T.Tensor { return x.Max(1) }, x, false),
		unaryCase("Min", func(x *T.Tensor) *T.Tensor { return x.MinKeep(0) }, x, false),
		unaryCase("LogSumExp", func(x *T.Tensor) *T.Tensor { return x.LogSumExp(1) }, x, true),
		unaryCase("LogSumExp/all", func(x *T.Tensor) *T.Tensor { return x.LogSumExp() }, x, true),
		unaryCase("Norm", func(x *T.Tensor) *T.Tensor { return x.Norm(1) }, x, true),
		unaryCase("Softmax", func(x *T.Tensor) *T.Tensor { return x.Softmax(1) }, x, true),
		unaryCase("Softmax/axis0", func(x *T.Tensor) *T.Tensor { return x.Softmax(0) }, x, true),
		unaryCase("LogSoftmax", func(x *T.Tensor) *T.Tensor { return x.LogSoftmax(-1) }, x, true),
		unaryCase("Reshape", func(x *T.Tensor) *T.Tensor { return x.Reshape(2, -1).Square() }, x, true),
		unaryCase("Permute", func(x *T.Tensor) *T.Tensor { return x.Reshape(3, 2, 2).Permute(2, 0, 1).Square() }, x, true),
		unaryCase("Transpose", func(x *T.Tensor) *T.Tensor { return x.T().Square() }, x, true),
		unaryCase("Narrow", func(x *T.Tensor) *T.Tensor { return x.Narrow(1, 1, 2).Square() }, x, true),
		unaryCase("Pad", func(x *T.Tensor) *T.Tensor { return x.Pad(0, 1, 2).Square() }, x, true),
		unaryCase("BroadcastTo", func(x *T.Tensor) *T.Tensor { return x.BroadcastTo(2, 3, 4).Square() }, col, true),
		unaryCase("SumTo", func(x *T.Tensor) *T.Tensor { return x.SumTo(1, 4).Square() }, x, true),
		unaryCase("IndexSelect", func(x *T.Tensor) *T.Tensor { return x.IndexSelect(1, []int{3, 0, 3}).Square() }, x, true),
		unaryCase("IndexAdd", func(x *T.Tensor) *T.Tensor { return x.IndexAdd(0, []int{1, 1, 0}, 2).Square() }, x, true),
		unaryCase("Gather", func(x *T.Tensor) *T.Tensor { return x.Gather(1, idx).Square() }, x, true),
		unaryCase("ScatterAdd", func(x *T.Tensor) *T.Tensor { return x.Narrow(1, 0, 2).ScatterAdd(1, idx, 4).Square() }, x, true),
		binaryCase("Concat", func(a, b *T.Tensor) *T.Tensor { return T.Concat(0, a, b).Square() }, x, y, true),
		binaryCase("Stack", func(a, b *T.Tensor) *T.Tensor { return T.Stack(1, a, b).Square() }, x, y, true),
		unaryCase("Unfold", func(x *T.Tensor) *T.Tensor { return x.Unfold(geom).Square() }, img, true),
		unaryCase("Fold", func(x *T.Tensor) *T.Tensor { return x.Unfold(geom).Fold(geom, 5, 5).Square() }, img, true),
	}
}

func TestGradients(t *testing.T) {
	for _, c := range gradCases() {
		t.Run(c.name, func(t *testing.T) {
			if err := gradcheck.Check(c.f, c.inputs, gradcheck.Options{}); err != nil {
				t.Fatal(err)
			}
			if c.second {
				if err := gradcheck.CheckSecond(c.f, c.inputs, gradcheck.Options{}); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// A backward rule may run a backward pass of its own (Custom operations
// differentiate a reference this way); the outer pass must go on with
// its own marks on the shared tensors.
func TestNestedBackwardPass(t *testing.T) {
	x := T.New([]float32{0.5, -1, 2}, 3).SetRequiresGrad(true)
	cubed := x.Detach().Pow(3)
	cube := T.Custom("cube", cubed, []*T.Tensor{x}, func(b *T.Backprop) []*T.Tensor {
		x := b.In[0]
		return T.VJP(x.Pow(3), b.Grad, true, x)
	})
	// The rule's own pass differentiates the operand it is handed, so the
	// outer pass must be recorded: in an unrecorded one the operand is cut
	// from the graph.
	g := T.GradGraph(cube.Mul(x.Square()).Sum(), x)[0] // d/dx x^5 = 5x^4
	wantValues(t, "derivative", g, []int{3}, []float32{0.3125, 5, 80})
}
