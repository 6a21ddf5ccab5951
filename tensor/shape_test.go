package tensor_test

import (
	"math"
	"slices"
	"testing"

	T "github.com/gibbsml/gibbs/tensor"
)

func TestBroadcastShapes(t *testing.T) {
	cases := []struct{ a, b, want []int }{
		{[]int{3, 4}, []int{3, 4}, []int{3, 4}},
		{[]int{3, 4}, []int{4}, []int{3, 4}},
		{[]int{4}, []int{3, 4}, []int{3, 4}},
		{[]int{3, 1}, []int{1, 4}, []int{3, 4}},
		{[]int{2, 1, 3}, []int{4, 3}, []int{2, 4, 3}},
		{[]int{5, 1, 1}, []int{1, 6, 1}, []int{5, 6, 1}},
		{[]int{}, []int{2, 3}, []int{2, 3}},
		{[]int{2, 3}, []int{}, []int{2, 3}},
		{[]int{3}, []int{1, 1}, []int{1, 3}}, // one value, but more axes
		{[]int{1}, []int{}, []int{1}},
		{[]int{0, 3}, []int{3}, []int{0, 3}},
		{[]int{0}, []int{1}, []int{0}},
	}
	ops := []struct {
		name string
		f    func(a, b *T.Tensor) *T.Tensor
	}{
		{"Add", (*T.Tensor).Add},
		{"Mul", (*T.Tensor).Mul},
		{"Maximum", (*T.Tensor).Maximum},
		{"Gt", (*T.Tensor).Gt},
		{"Where", func(a, b *T.Tensor) *T.Tensor { return T.Where(T.Ones(b.Shape()...), a, b) }},
	}
	for _, c := range cases {
		for _, op := range ops {
			a, b := T.Ones(c.a...), T.Ones(c.b...).MulScalar(2)
			got := op.f(a, b)
			if !slices.Equal(got.Shape(), c.want) {
				t.Errorf("%s(%v, %v) has shape %v, want %v", op.name, c.a, c.b, got.Shape(), c.want)
			}
		}
	}
}

func TestBroadcastValues(t *testing.T) {
	col := T.New([]float32{1, 2, 3}, 3, 1)
	row := T.New([]float32{10, 20}, 1, 2)
	wantValues(t, "col+row", col.Add(row), []int{3, 2}, []float32{11, 21, 12, 22, 13, 23})
	wantValues(t, "row-col", row.Sub(col), []int{3, 2}, []float32{9, 19, 8, 18, 7, 17})
	wantValues(t, "BroadcastTo", row.BroadcastTo(2, 3, 2), []int{2, 3, 2},
		[]float32{10, 20, 10, 20, 10, 20, 10, 20, 10, 20, 10, 20})
	wantValues(t, "SumTo", T.Arange(0, 6, 1).Reshape(2, 3).SumTo(1, 3), []int{1, 3}, []float32{3, 5, 7})
	wantValues(t, "SumTo/rank", T.Arange(0, 6, 1).Reshape(2, 3).SumTo(2, 1), []int{2, 1}, []float32{3, 12})
	cond := T.New([]float32{1, 0, 2}, 3)
	wantValues(t, "Where", T.Where(cond, col, row.Narrow(1, 0, 1)), []int{3, 3},
		[]float32{1, 10, 1, 2, 10, 2, 3, 10, 3})
}

// Gradients of broadcast operands are summed back to their own shapes.
func TestBroadcastGradients(t *testing.T) {
	col := T.New([]float32{1, 2, 3}, 3, 1).SetRequiresGrad(true)
	row := T.New([]float32{10, 20}, 2).SetRequiresGrad(true)
	s := T.Scalar(2).SetRequiresGrad(true)
	gs := T.Grad(col.Mul(row).Mul(s).Sum(), col, row, s)
	wantValues(t, "d/dcol", gs[0], []int{3, 1}, []float32{60, 60, 60})
	wantValues(t, "d/drow", gs[1], []int{2}, []float32{12, 12})
	wantValues(t, "d/ds", gs[2], []int{}, []float32{180})
}

func TestReshape(t *testing.T) {
	x := T.Arange(0, 24, 1).Reshape(2, 3, 4)
	cases := []struct {
		in, want []int
	}{
		{[]int{-1, 4}, []int{6, 4}},
		{[]int{2, -1}, []int{2, 12}},
		{[]int{-1}, []int{24}},
		{[]int{4, -1, 2}, []int{4, 3, 2}},
		{[]int{1, 24, 1}, []int{1, 24, 1}},
		{[]int{2, 3, 4}, []int{2, 3, 4}},
	}
	for _, c := range cases {
		y := x.Reshape(c.in...)
		if !slices.Equal(y.Shape(), c.want) {
			t.Errorf("Reshape(%v) of [2 3 4] has shape %v, want %v", c.in, y.Shape(), c.want)
		}
		if !slices.Equal(y.Data(), x.Data()) {
			t.Errorf("Reshape(%v) changed the order of the values", c.in)
		}
	}
	if got := T.Zeros(0, 3).Reshape(-1, 3).Shape(); !slices.Equal(got, []int{0, 3}) {
		t.Errorf("Reshape(-1, 3) of [0 3] has shape %v", got)
	}
	y := x.Reshape(-1)
	y.Data()[5] = -1
	if x.At(0, 1, 1) != -1 {
		t.Error("Reshape copied the values; it should share them")
	}
	wantValues(t, "Flatten", T.Ones(2, 3, 4).Flatten().Sum(1), []int{2}, []float32{12, 12})
	if got := T.Scalar(1).Flatten().Shape(); !slices.Equal(got, []int{1, 1}) {
		t.Errorf("Flatten of a scalar has shape %v, want [1 1]", got)
	}
}

func TestSqueezeUnsqueeze(t *testing.T) {
	x := T.Zeros(1, 3, 1, 2)
	cases := []struct {
		name string
		got  *T.Tensor
		want []int
	}{
		{"Squeeze()", x.Squeeze(), []int{3, 2}},
		{"Squeeze(0)", x.Squeeze(0), []int{3, 1, 2}},
		{"Squeeze(-2)", x.Squeeze(-2), []int{1, 3, 2}},
		{"Squeeze(0, 2)", x.Squeeze(0, 2), []int{3, 2}},
		{"Squeeze() of [1]", T.Zeros(1).Squeeze(), []int{}},
		{"Unsqueeze(0)", T.Zeros(3, 2).Unsqueeze(0), []int{1, 3, 2}},
		{"Unsqueeze(1)", T.Zeros(3, 2).Unsqueeze(1), []int{3, 1, 2}},
		{"Unsqueeze(2)", T.Zeros(3, 2).Unsqueeze(2), []int{3, 2, 1}},
		{"Unsqueeze(-1)", T.Zeros(3, 2).Unsqueeze(-1), []int{3, 2, 1}},
		{"Unsqueeze(-3)", T.Zeros(3, 2).Unsqueeze(-3), []int{1, 3, 2}},
		{"Unsqueeze(0) of a scalar", T.Scalar(1).Unsqueeze(0), []int{1}},
	}
	for _, c := range cases {
		if !slices.Equal(c.got.Shape(), c.want) {
			t.Errorf("%s has shape %v, want %v", c.name, c.got.Shape(), c.want)
		}
	}
}

func TestShapeOpValues(t *testing.T) {
	x := T.Arange(0, 6, 1).Reshape(2, 3) // [[0 1 2] [3 4 5]]
	y := T.Arange(6, 12, 1).Reshape(2, 3)
	cases := []struct {
		name  string
		got   *T.Tensor
		shape []int
		want  []float32
	}{
		{"T", x.T(), []int{3, 2}, []float32{0, 3, 1, 4, 2, 5}},
		{"Permute", T.Arange(0, 8, 1).Reshape(2, 2, 2).Permute(2, 0, 1), []int{2, 2, 2}, []float32{0, 2, 4, 6, 1, 3, 5, 7}},
		{"Narrow", x.Narrow(1, 1, 2), []int{2, 2}, []float32{1, 2, 4, 5}},
		{"Narrow/empty", x.Narrow(0, 2, 0), []int{0, 3}, []float32{}},
		{"Pad", x.Pad(1, 1, 0), []int{2, 4}, []float32{0, 0, 1, 2, 0, 3, 4, 5}},
		{"Concat/0", T.Concat(0, x, y), []int{4, 3}, []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{"Concat/1", T.Concat(1, x, y.Narrow(1, 0, 1)), []int{2, 4}, []float32{0, 1, 2, 6, 3, 4, 5, 9}},
		{"Stack/0", T.Stack(0, x, y), []int{2, 2, 3}, []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{"Stack/-1", T.Stack(-1, x, y), []int{2, 3, 2}, []float32{0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11}},
		{"IndexSelect", x.IndexSelect(1, []int{2, 2, 0}), []int{2, 3}, []float32{2, 2, 0, 5, 5, 3}},
		{"IndexAdd", x.IndexAdd(1, []int{0, 0, 1}, 2), []int{2, 2}, []float32{1, 2, 7, 5}},
		{"Gather", x.Gather(1, T.New([]float32{2, 0, 1, 1}, 2, 2)), []int{2, 2}, []float32{2, 0, 4, 4}},
		{"ScatterAdd", x.ScatterAdd(0, T.New([]float32{1, 0, 1, 1, 1, 0}, 2, 3), 2), []int{2, 3}, []float32{0, 1, 5, 3, 4, 2}},
		{"Argmax/ties", T.New([]float32{1, 3, 3, 0, -1, -1}, 2, 3).Argmax(1), []int{2}, []float32{1, 0}},
		{"Argmin/ties", T.New([]float32{1, 3, 1, 0, -1, -1}, 2, 3).Argmin(1), []int{2}, []float32{0, 1}},
	}
	for _, c := range cases {
		wantValues(t, c.name, c.got, c.shape, c.want)
	}
}

// Maximum, Minimum, Max and Min split the gradient evenly among ties.
func TestTieGradients(t *testing.T) {
	x := T.New([]float32{1, 3, 3, 2}).SetRequiresGrad(true)
	wantValues(t, "Max", T.Grad(x.Max(), x)[0], []int{4}, []float32{0, 0.5, 0.5, 0})
	wantValues(t, "Min", T.Grad(x.Min(), x)[0], []int{4}, []float32{1, 0, 0, 0})
	u := T.New([]float32{1, 3, 2, 2}).SetRequiresGrad(true)
	gs := T.Grad(x.Maximum(u).Sum(), x, u)
	wantValues(t, "Maximum/x", gs[0], []int{4}, []float32{0.5, 0.5, 1, 0.5})
	wantValues(t, "Maximum/u", gs[1], []int{4}, []float32{0.5, 0.5, 0, 0.5})
}

// Large and infinite inputs give the limits PyTorch gives, not NaN.
func TestNumericalStability(t *testing.T) {
	inf := float32(math.Inf(1))
	cases := []struct {
		name string
		got  *T.Tensor
		want []float32
	}{
		{"LogSumExp/large", T.New([]float32{1000, 1000}).LogSumExp(), []float32{1000 + float32(math.Ln2)}},
		{"LogSumExp/-inf", T.New([]float32{-inf, -inf}).LogSumExp(), []float32{-inf}},
		{"LogSumExp/mixed", T.New([]float32{-inf, 0}).LogSumExp(), []float32{0}},
		{"Softmax/large", T.New([]float32{1000, 1000}).Softmax(0), []float32{0.5, 0.5}},
		{"LogSoftmax/large", T.New([]float32{-1000, 0}).LogSoftmax(0), []float32{-1000, 0}},
		{"Sigmoid/extremes", T.New([]float32{-200, 200}).Sigmoid(), []float32{0, 1}},
		{"Softplus/extremes", T.New([]float32{-200, 200}).Softplus(), []float32{0, 200}},
	}
	for _, c := range cases {
		wantValues(t, c.name, c.got, c.got.Shape(), c.want)
		for _, v := range c.got.Data() {
			if v != v {
				t.Errorf("%s gave NaN", c.name)
			}
		}
	}
}

// Math shape errors panic with a message naming the op and the shapes.
func TestShapePanics(t *testing.T) {
	a, b := T.Ones(3, 4), T.Ones(3)
	cases := []struct {
		name string
		f    func()
		want []string
	}{
		{"Add", func() { a.Add(b) }, []string{"Add", "[3 4]", "[3]"}},
		{"Sub", func() { a.Sub(b) }, []string{"Sub", "[3 4]", "[3]"}},
		{"Mul", func() { b.Mul(a) }, []string{"Mul", "[3 4]", "[3]"}},
		{"Div", func() { a.Div(b) }, []string{"Div", "[3 4]", "[3]"}},
		{"Maximum", func() { a.Maximum(b) }, []string{"Maximum", "[3 4]", "[3]"}},
		{"Where", func() { T.Where(a, a, b) }, []string{"Where", "[3 4]", "[3]"}},
		{"Matmul", func() { a.Matmul(T.Ones(5, 2)) }, []string{"Matmul", "[3 4]", "[5 2]"}},
		{"Matmul/1-D", func() { b.Matmul(a) }, []string{"Matmul", "[3]", "[3 4]"}},
		{"MatmulT", func() { T.MatmulT(a, a, false, false) }, []string{"Matmul", "[3 4]"}},
		{"BroadcastTo", func() { b.BroadcastTo(3, 1) }, []string{"BroadcastTo", "[3]", "[3 1]"}},
		{"SumTo", func() { a.SumTo(2, 4) }, []string{"SumTo", "[3 4]", "[2 4]"}},
		{"Reshape", func() { a.Reshape(5, -1) }, []string{"Reshape", "[3 4]", "[5 -1]"}},
		{"Reshape/two -1", func() { a.Reshape(-1, -1) }, []string{"Reshape", "[-1 -1]"}},
		{"Reshape/size", func() { a.Reshape(2, 5) }, []string{"Reshape", "[3 4]", "[2 5]"}},
		{"Squeeze", func() { a.Squeeze(1) }, []string{"Squeeze", "[3 4]"}},
		{"Unsqueeze", func() { a.Unsqueeze(3) }, []string{"Unsqueeze", "axis 3"}},
		{"Permute", func() { a.Permute(0, 0) }, []string{"Permute", "[0 0]", "[3 4]"}},
		{"Permute/rank", func() { a.Permute(0) }, []string{"Permute", "[0]", "[3 4]"}},
		{"Narrow", func() { a.Narrow(1, 3, 2) }, []string{"Narrow", "[3 4]"}},
		{"Concat/rank", func() { T.Concat(0, a, b) }, []string{"Concat", "[3 4]", "[3]"}},
		{"Concat/off axis", func() { T.Concat(0, a, T.Ones(3, 5)) }, []string{"Concat", "[3 4]", "[3 5]"}},
		{"Stack", func() { T.Stack(0, a, T.Ones(4, 3)) }, []string{"Stack", "[3 4]", "[4 3]"}},
		{"IndexSelect", func() { a.IndexSelect(1, []int{4}) }, []string{"IndexSelect", "[3 4]"}},
		{"Gather/shape", func() { a.Gather(1, T.Zeros(2, 2)) }, []string{"Gather", "[2 2]", "[3 4]"}},
		{"Gather/index", func() { b.Gather(0, T.Full(3, 1)) }, []string{"Gather", "index 3"}},
		{"ScatterAdd", func() { a.ScatterAdd(0, T.Zeros(3, 3), 5) }, []string{"ScatterAdd", "[3 4]", "[3 3]"}},
		{"Unfold", func() { a.Unfold(T.ConvGeom{KH: 2, KW: 2}) }, []string{"Unfold", "[3 4]"}},
		{"Unfold/fit", func() { T.Ones(1, 1, 2, 2).Unfold(T.ConvGeom{KH: 3, KW: 3}) }, []string{"Unfold", "[1 1 2 2]"}},
		{"Fold", func() { T.Ones(1, 4, 3).Fold(T.ConvGeom{KH: 2, KW: 2}, 3, 3) }, []string{"Fold", "[1 4 3]"}},
		{"Sum/axis", func() { a.Sum(2) }, []string{"Sum", "axis 2"}},
		{"Sum/twice", func() { a.Sum(1, -1) }, []string{"Sum", "twice"}},
		{"Softmax/axis", func() { a.Softmax(-3) }, []string{"Softmax", "axis -3"}},
		{"Argmax/axis", func() { b.Argmax(1) }, []string{"Argmax", "axis 1"}},
		{"New", func() { T.New([]float32{1, 2, 3}, 2, 2) }, []string{"New", "[2 2]"}},
		{"Zeros", func() { T.Zeros(2, -1) }, []string{"Zeros", "[2 -1]"}},
		{"Item", func() { b.Item() }, []string{"Item", "[3]"}},
		{"At", func() { a.At(3, 0) }, []string{"At", "[3 0]", "[3 4]"}},
		{"At/arity", func() { a.At(1) }, []string{"At", "[1]", "[3 4]"}},
		{"CopyFrom", func() { a.CopyFrom(b) }, []string{"CopyFrom", "[3 4]", "[3]"}},
		{"Grad/non-scalar", func() { x := T.Ones(3, 4).SetRequiresGrad(true); T.Grad(x.Square(), x) }, []string{"Grad", "[3 4]"}},
		{"Arange", func() { T.Arange(0, 1, 0) }, []string{"Arange"}},
		{"Arange/direction", func() { T.Arange(0, 1, -1) }, []string{"Arange"}},
		{"Bernoulli", func() { T.Bernoulli(T.NewRNG(1), 1.5, 2) }, []string{"Bernoulli", "1.5"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { mustPanic(t, c.f, c.want...) })
	}
}
