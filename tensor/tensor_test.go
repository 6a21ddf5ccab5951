package tensor_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	T "github.com/gibbsml/gibbs/tensor"
)

// wantValues fails t unless got has the given shape and values (within 1e-6
// relative and absolute).
func wantValues(t *testing.T, what string, got *T.Tensor, shape []int, values []float32) {
	t.Helper()
	if msg := closeTo(got, &goldenTensor{Shape: shape, Data: values}, 1e-6); msg != "" {
		t.Errorf("%s: %s", what, msg)
	}
}

// mustPanic runs f and fails t unless it panics with a message that contains
// every string in want (the op's name and the shapes involved).
func mustPanic(t *testing.T, f func(), want ...string) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic; want one mentioning %q", want)
		}
		msg := fmt.Sprint(r)
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Errorf("panic %q does not mention %q", msg, w)
			}
		}
	}()
	f()
}

func TestCreation(t *testing.T) {
	cases := []struct {
		name  string
		got   *T.Tensor
		shape []int
		want  []float32
	}{
		{"Arange", T.Arange(0, 5, 1), []int{5}, []float32{0, 1, 2, 3, 4}},
		{"Arange/fraction", T.Arange(1, 2, 0.25), []int{4}, []float32{1, 1.25, 1.5, 1.75}},
		{"Arange/down", T.Arange(5, 0, -2), []int{3}, []float32{5, 3, 1}},
		// Ten values, as torch.arange(0, 1, 0.1): the stop is excluded even
		// though 0.1 is not exact in float32.
		{"Arange/tenths", T.Arange(0, 1, 0.1), []int{10}, []float32{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}},
		{"Arange/empty", T.Arange(2, 2, 1), []int{0}, []float32{}},
		{"Linspace", T.Linspace(0, 1, 5), []int{5}, []float32{0, 0.25, 0.5, 0.75, 1}},
		{"Linspace/down", T.Linspace(2, -1, 4), []int{4}, []float32{2, 1, 0, -1}},
		{"Linspace/one", T.Linspace(3, 7, 1), []int{1}, []float32{3}},
		{"Eye", T.Eye(3), []int{3, 3}, []float32{1, 0, 0, 0, 1, 0, 0, 0, 1}},
		{"Full", T.Full(2.5, 2, 3), []int{2, 3}, []float32{2.5, 2.5, 2.5, 2.5, 2.5, 2.5}},
		{"Zeros", T.Zeros(2, 2), []int{2, 2}, []float32{0, 0, 0, 0}},
		{"Zeros/empty", T.Zeros(0, 3), []int{0, 3}, []float32{}},
		{"Ones", T.Ones(3), []int{3}, []float32{1, 1, 1}},
		{"OnesLike", T.OnesLike(T.Zeros(1, 2)), []int{1, 2}, []float32{1, 1}},
		{"ZerosLike", T.ZerosLike(T.Ones(2, 1)), []int{2, 1}, []float32{0, 0}},
		{"Scalar", T.Scalar(4), []int{}, []float32{4}},
		{"New", T.New([]float32{1, 2, 3, 4, 5, 6}, 3, 2), []int{3, 2}, []float32{1, 2, 3, 4, 5, 6}},
		{"New/1-D", T.New([]float32{7, 8}), []int{2}, []float32{7, 8}},
	}
	for _, c := range cases {
		wantValues(t, c.name, c.got, c.shape, c.want)
	}
}

func TestLinspaceEndpoints(t *testing.T) {
	for _, c := range []struct {
		start, stop float32
		n           int
	}{
		{0, 1, 11},
		{0.1, 0.3, 3},
		{-3.3, 9.1, 100},
		{-1, 0.7, 7},
	} {
		d := T.Linspace(c.start, c.stop, c.n).Data()
		if d[0] != c.start || d[len(d)-1] != c.stop {
			t.Errorf("Linspace(%v, %v, %d) runs from %v to %v", c.start, c.stop, c.n, d[0], d[len(d)-1])
		}
	}
}

func TestAccessors(t *testing.T) {
	x := T.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	if x.Dim() != 2 || x.Len() != 6 || x.Size(0) != 2 || x.Size(-1) != 3 {
		t.Errorf("Dim %d, Len %d, Size(0) %d, Size(-1) %d; want 2, 6, 2, 3", x.Dim(), x.Len(), x.Size(0), x.Size(-1))
	}
	if v := x.At(1, 2); v != 6 {
		t.Errorf("At(1, 2) = %v, want 6", v)
	}
	x.Set(9, 0, 1)
	if v := x.Data()[1]; v != 9 {
		t.Errorf("after Set(9, 0, 1) the data holds %v at 1", v)
	}
	x.Shape()[0] = 100
	if x.Size(0) != 2 {
		t.Error("changing the slice Shape returned changed the tensor")
	}
	c := x.Clone()
	c.Data()[0] = -1
	if x.Data()[0] != 1 {
		t.Error("writing to a clone changed the original")
	}
	if got := T.Scalar(2.5).Item(); got != 2.5 {
		t.Errorf("Item = %v, want 2.5", got)
	}
	dst := T.Zeros(3, 2)
	dst.CopyFrom(x)
	wantValues(t, "CopyFrom", dst, []int{3, 2}, []float32{1, 9, 3, 4, 5, 6})
	if s := T.Arange(0, 20, 1).String(); !strings.HasPrefix(s, "Tensor[20][0 1 2") || !strings.HasSuffix(s, "15 ...]") {
		t.Errorf("String = %q", s)
	}
}

func TestRNGDeterminism(t *testing.T) {
	makers := []struct {
		name string
		make func(g *T.RNG) *T.Tensor
	}{
		{"Rand", func(g *T.RNG) *T.Tensor { return T.Rand(g, 4, 5) }},
		{"Randn", func(g *T.RNG) *T.Tensor { return T.Randn(g, 4, 5) }},
		{"Uniform", func(g *T.RNG) *T.Tensor { return T.Uniform(g, -2, 3, 20) }},
		{"Bernoulli", func(g *T.RNG) *T.Tensor { return T.Bernoulli(g, 0.5, 64) }},
		{"Permutation", func(g *T.RNG) *T.Tensor { return T.Permutation(g, 20) }},
	}
	for _, m := range makers {
		a, b, c := m.make(T.NewRNG(7)), m.make(T.NewRNG(7)), m.make(T.NewRNG(8))
		if !slices.Equal(a.Data(), b.Data()) {
			t.Errorf("%s: the same seed gave different values", m.name)
		}
		if slices.Equal(a.Data(), c.Data()) {
			t.Errorf("%s: seeds 7 and 8 gave the same values", m.name)
		}
	}
}

func TestRNGStateRoundTrip(t *testing.T) {
	g := T.NewRNG(3)
	T.Randn(g, 10)
	state, err := g.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want := T.Randn(g, 10)
	h := T.NewRNG(99)
	if err := h.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	if got := T.Randn(h, 10); !slices.Equal(got.Data(), want.Data()) {
		t.Errorf("restored generator gave %v, want %v", got, want)
	}
	if err := h.UnmarshalBinary([]byte("junk")); err == nil || !strings.Contains(err.Error(), "RNG") {
		t.Errorf("UnmarshalBinary(junk) = %v, want an error naming the RNG", err)
	}
}

// moments returns the mean and the population standard deviation.
func moments(d []float32) (mean, std float64) {
	for _, v := range d {
		mean += float64(v)
	}
	mean /= float64(len(d))
	for _, v := range d {
		std += (float64(v) - mean) * (float64(v) - mean)
	}
	return mean, math.Sqrt(std / float64(len(d)))
}

func TestRandomDistributions(t *testing.T) {
	const n = 20000
	g := T.NewRNG(11)
	// Tolerances are about five standard errors of the estimate.
	cases := []struct {
		name              string
		x                 *T.Tensor
		lo, hi            float32
		mean, std, tolerr float64
	}{
		{"Rand", T.Rand(g, n), 0, 1, 0.5, math.Sqrt(1.0 / 12), 0.011},
		{"Uniform", T.Uniform(g, -2, 6, n), -2, 6, 2, 8 / math.Sqrt(12), 0.09},
		{"Randn", T.Randn(g, n), -10, 10, 0, 1, 0.036},
		{"Bernoulli", T.Bernoulli(g, 0.3, n), 0, 1, 0.3, math.Sqrt(0.3 * 0.7), 0.017},
	}
	for _, c := range cases {
		for _, v := range c.x.Data() {
			if v < c.lo || v >= c.hi && c.name != "Bernoulli" {
				t.Fatalf("%s: value %v outside [%v, %v)", c.name, v, c.lo, c.hi)
			}
		}
		mean, std := moments(c.x.Data())
		if math.Abs(mean-c.mean) > c.tolerr || math.Abs(std-c.std) > c.tolerr {
			t.Errorf("%s: mean %.4f, std %.4f; want %.4f, %.4f within %v", c.name, mean, std, c.mean, c.std, c.tolerr)
		}
	}
	for _, v := range cases[3].x.Data() {
		if v != 0 && v != 1 {
			t.Fatalf("Bernoulli drew %v", v)
		}
	}
	for _, p := range []float32{0, 1} {
		for _, v := range T.Bernoulli(g, p, 100).Data() {
			if v != p {
				t.Fatalf("Bernoulli(p=%v) drew %v", p, v)
			}
		}
	}
}

func TestPermutation(t *testing.T) {
	g := T.NewRNG(5)
	for _, n := range []int{0, 1, 2, 17, 100} {
		p := T.Permutation(g, n)
		got := slices.Clone(p.Data())
		slices.Sort(got)
		for i, v := range got {
			if v != float32(i) {
				t.Fatalf("Permutation(%d) = %v is not a permutation of 0..%d", n, p.Data(), n-1)
			}
		}
		if !slices.Equal(p.Shape(), []int{n}) {
			t.Errorf("Permutation(%d) has shape %v", n, p.Shape())
		}
	}
}

func TestRecordingFollowsOperands(t *testing.T) {
	x := T.New([]float32{1, 2, 3}).SetRequiresGrad(true)
	if y := x.Detach().Mul(x.Detach()).Exp().Sum(); y.RequiresGrad() || !y.IsLeaf() {
		t.Errorf("result of detached operands: RequiresGrad %v, IsLeaf %v; want false, true", y.RequiresGrad(), y.IsLeaf())
	}
	z := x.Mul(x).Sum()
	if !z.RequiresGrad() || z.IsLeaf() {
		t.Error("result of an operand that requires a gradient is not recorded")
	}
	// DetachRelease keeps the values and ends the graph.
	h := x.Mul(x)
	s := h.Sum()
	kept := s.DetachRelease()
	if kept.RequiresGrad() || !kept.IsLeaf() || kept.Item() != 14 {
		t.Errorf("DetachRelease: %v (RequiresGrad %v, IsLeaf %v), want a leaf holding 14", kept, kept.RequiresGrad(), kept.IsLeaf())
	}
	mustPanic(t, func() { h.Clone() }, "tensor used after its graph was released")
	wantValues(t, "leaf after DetachRelease", x, []int{3}, []float32{1, 2, 3})
}

func TestDetachStopsGradient(t *testing.T) {
	x := T.New([]float32{1, -2, 3}).SetRequiresGrad(true)
	d := x.Detach()
	if d.RequiresGrad() || !d.IsLeaf() {
		t.Errorf("Detach: RequiresGrad %v, IsLeaf %v; want false, true", d.RequiresGrad(), d.IsLeaf())
	}
	// y = sum(stop(x) * x): dy/dx = x, not 2x.
	wantValues(t, "Grad through Detach", T.Grad(d.Mul(x).Sum(), x)[0], []int{3}, []float32{1, -2, 3})
	d.Data()[0] = 10
	if x.Data()[0] != 10 {
		t.Error("Detach copied the values; it should share them")
	}
}

func TestGradIntermediateAndUnused(t *testing.T) {
	x := T.New([]float32{0.5, -1}).SetRequiresGrad(true)
	unused := T.New([]float32{1, 2, 3}, 3, 1).SetRequiresGrad(true)
	h := x.Square()               // h = x^2
	y := h.Exp().Sum()            // y = sum(e^h)
	gs := T.Grad(y, h, x, unused) // dy/dh = e^h, dy/dx = 2x e^h
	eh := []float32{float32(math.Exp(0.25)), float32(math.Exp(1))}
	wantValues(t, "dy/dh", gs[0], []int{2}, eh)
	wantValues(t, "dy/dx", gs[1], []int{2}, []float32{eh[0], -2 * eh[1]})
	wantValues(t, "dy/dunused", gs[2], []int{3, 1}, []float32{0, 0, 0})
	wantValues(t, "dy/dy", T.Grad(y, y)[0], []int{}, []float32{1})

	c := T.Ones(2).Sum() // depends on nothing that requires a gradient
	wantValues(t, "Grad of a constant", T.Grad(c, x)[0], []int{2}, []float32{0, 0})
	if x.Grad() != nil || h.Grad() != nil {
		t.Error("Grad stored gradients in the tensors; only Backward does")
	}
}

func TestBackwardAccumulates(t *testing.T) {
	x := T.New([]float32{1, 2, -3}).SetRequiresGrad(true)
	w := T.New([]float32{4, 5, 6})                              // takes no gradient
	loss := func() *T.Tensor { return x.Square().Mul(w).Sum() } // d/dx = 2 w x
	h := x.Square()
	h.Mul(w).Sum().Backward()
	wantValues(t, "after one Backward", x.Grad(), []int{3}, []float32{8, 20, -36})
	loss().Backward()
	wantValues(t, "after two Backward calls", x.Grad(), []int{3}, []float32{16, 40, -72})
	if h.Grad() != nil || w.Grad() != nil {
		t.Error("Backward stored a gradient in a non-leaf or in a tensor that takes none")
	}
	x.ZeroGrad()
	if x.Grad() != nil {
		t.Fatal("ZeroGrad left a gradient")
	}
	loss().Backward()
	wantValues(t, "after ZeroGrad and Backward", x.Grad(), []int{3}, []float32{8, 20, -36})
	x.SetGrad(T.Ones(3))
	loss().Backward()
	wantValues(t, "after SetGrad and Backward", x.Grad(), []int{3}, []float32{9, 21, -35})
}

func TestBackwardTo(t *testing.T) {
	x := T.New([]float32{1, 2, -3}).SetRequiresGrad(true)
	w := T.New([]float32{4, 5, 6}).SetRequiresGrad(true)
	var wRuns int
	// Only w's rule knows its gradient; it counts how often it runs.
	scale := func(w *T.Tensor) *T.Tensor {
		return T.Custom("countW", w.Detach().MulScalar(1), []*T.Tensor{w}, func(b *T.Backprop) []*T.Tensor {
			wRuns++
			return []*T.Tensor{b.Grad}
		})
	}
	loss := func() *T.Tensor { return x.Square().Mul(scale(w)).Sum() } // d/dx = 2 w x, d/dw = x^2
	loss().BackwardTo(x)
	wantValues(t, "dx after BackwardTo(x)", x.Grad(), []int{3}, []float32{8, 20, -36})
	if w.Grad() != nil || wRuns != 0 {
		t.Errorf("BackwardTo(x) reached w: grad %v, %d runs of its rule", w.Grad(), wRuns)
	}
	loss().BackwardTo(x, w)
	wantValues(t, "dx after a second pass", x.Grad(), []int{3}, []float32{16, 40, -72})
	wantValues(t, "dw", w.Grad(), []int{3}, []float32{1, 4, 9})
	loss().BackwardTo()
	wantValues(t, "dw after BackwardTo()", w.Grad(), []int{3}, []float32{1, 4, 9})
	T.Ones(2).Sum().BackwardTo(x) // depends on nothing that takes a gradient
	wantValues(t, "dx after a constant", x.Grad(), []int{3}, []float32{16, 40, -72})
}

func TestVJP(t *testing.T) {
	x := T.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3).SetRequiresGrad(true)
	y := x.Square() // dy/dx is diagonal with 2x
	seed := T.New([]float32{1, 0, -1, 0.5, 2, 0}, 2, 3)
	wantValues(t, "VJP", T.VJP(y, seed, false, x)[0], []int{2, 3}, []float32{2, 0, -6, 4, 20, 0})

	// With createGraph the product can be differentiated again:
	// d/dx sum(seed * 2x * x) = 4 seed x.
	g := T.VJP(y, seed, true, x)[0]
	wantValues(t, "VJP twice", T.Grad(g.Mul(x).Sum(), x)[0], []int{2, 3}, []float32{4, 0, -12, 8, 40, 0})

	mustPanic(t, func() { T.VJP(y, T.Ones(3, 2), false, x) }, "VJP", "[3 2]", "[2 3]")
}

func TestGradGraphSecondDerivative(t *testing.T) {
	x := T.New([]float32{-1, 0.5, 2}).SetRequiresGrad(true)
	g := T.GradGraph(x.Pow(3).Sum(), x)[0] // 3x^2
	wantValues(t, "first derivative", g, []int{3}, []float32{3, 0.75, 12})
	wantValues(t, "second derivative", T.Grad(g.Sum(), x)[0], []int{3}, []float32{-6, 3, 12})
	if g2 := T.Grad(x.Pow(3).Sum(), x)[0]; g2.RequiresGrad() {
		t.Error("Grad returned a recorded gradient; only GradGraph should")
	}
}

func TestSetRequiresGradOnNonLeafPanics(t *testing.T) {
	x := T.Ones(2, 3).SetRequiresGrad(true)
	y := x.Mul(x)
	mustPanic(t, func() { y.SetRequiresGrad(true) }, "SetRequiresGrad", "[2 3]", "Mul")
	// A leaf can switch its flag both ways.
	if x.SetRequiresGrad(false).RequiresGrad() {
		t.Error("SetRequiresGrad(false) left the flag on")
	}
}

func TestCustom(t *testing.T) {
	x := T.New([]float32{1, 2}).SetRequiresGrad(true)
	// cube built from outside the package: d/dx x^3 = 3x^2.
	y := T.Custom("cube", x.Detach().Pow(3), []*T.Tensor{x}, func(b *T.Backprop) []*T.Tensor {
		return []*T.Tensor{b.Grad.Mul(b.In[0].Square()).MulScalar(3)}
	})
	wantValues(t, "Custom forward", y, []int{2}, []float32{1, 8})
	wantValues(t, "Custom backward", T.Grad(y.Sum(), x)[0], []int{2}, []float32{3, 12})
}

func TestExtremesPropagateNaN(t *testing.T) {
	nan := float32(math.NaN())
	for _, x := range []*T.Tensor{T.New([]float32{nan, 1}), T.New([]float32{1, nan})} {
		if v := x.Max().Item(); v == v {
			t.Errorf("Max(%v) = %v, want NaN", x, v)
		}
		if v := x.Min().Item(); v == v {
			t.Errorf("Min(%v) = %v, want NaN", x, v)
		}
	}
	if i := T.New([]float32{1, nan, 3}).Argmax(0).Item(); i != 1 {
		t.Errorf("Argmax of [1 NaN 3] = %v, want 1 (NaN wins)", i)
	}
}

func TestSoftmaxOfMaskedRow(t *testing.T) {
	inf := float32(math.Inf(-1))
	x := T.New([]float32{inf, inf, 0, 1}, 2, 2)
	p := x.Softmax(1).Data()
	if p[0] != 0 || p[1] != 0 || math.Abs(float64(p[2]+p[3]-1)) > 1e-6 {
		t.Errorf("softmax of a fully masked row: %v, want [0 0] then a distribution", p)
	}
}
